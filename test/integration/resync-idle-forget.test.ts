import { Queue } from 'bullmq';
import { afterAll, describe, expect, test } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import { QUEUES, type ReconcileJob } from '../../src/queue/catalog.js';
import { reconcileRoom } from '../../src/reconcile/reconcile-room.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { setConfig, setOverride } from '../../src/rooms/operator-changes.js';
import { forgetIdleRoom } from '../../src/rooms/room-index.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { completeHead, queueEvent, reindexOutbox } from '../../src/webhooks/outbox.js';
import { resyncRooms } from '../../workers/resync.js';
import { manualClock } from '../support/manual-clock.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import { recordingMixBackend } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';
import { resyncDeps } from '../support/resync-deps.js';

/** The resync forgetting idle rooms (ROOM_IDLE_FORGET_MS), against a real Redis. */

const { redis, namespace } = useRedis();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const T0 = 1_800_000_000_000;
const clock = manualClock(T0);
const backend = recordingMixBackend();
const queue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection: redis, prefix: `{${namespace}}` });
afterAll(() => queue.close());
let rooms = 0;
let stores = 0;

/** A store of its own namespace (inside the file's), so each test sees only its rooms in the index. */
function freshStore(maxRooms = 10_000) {
  stores += 1;
  return new RoomStore(redis, { namespace: `${namespace}:s${stores}`, maxRooms });
}

const member = (roomId: string, role: 'main' | 'guest'): Membership => ({
  roomId,
  role,
  media: 'av',
  notes: [],
  ...(role === 'main' ? { preset: 'pip' as const } : {}),
});

function observe(
  store: RoomStore,
  kind: 'push' | 'disconnect',
  roomId: string,
  streamId: string,
  role: 'main' | 'guest',
  at = clock.now(),
) {
  return applyObservation(
    store,
    {
      kind,
      streamId,
      sequence: '1',
      eventTimeMs: at,
      receivedAt: at,
      width: 540,
      height: 960,
      membership: member(roomId, role),
    },
    at,
  );
}

function reconcile(store: RoomStore, roomId: string) {
  return reconcileRoom(
    roomId,
    { number: 1, max: 1 },
    { store, backend, now: clock.now, timing: PLATFORM_TIMING, leaveGraceMs: 3000, leaseMs: 10_000 },
  );
}

/** A room that was on air, mixed, and whose streams all ended: its cancel accepted, nothing left. */
async function endedShow(store: RoomStore): Promise<string> {
  rooms += 1;
  const roomId = `show${rooms}`;
  await observe(store, 'push', roomId, `${roomId}_host`, 'main');
  await observe(store, 'push', roomId, `${roomId}_guest`, 'guest');
  clock.advance(5000);
  expect((await reconcile(store, roomId)).kind).toBe('done');
  expect((await readRoom(store, roomId))?.applied).not.toBeNull();
  await observe(store, 'disconnect', roomId, `${roomId}_host`, 'main');
  await observe(store, 'disconnect', roomId, `${roomId}_guest`, 'guest');
  clock.advance(5000);
  // The cancel, then (the room changed by it) the run that forgets the departed streams.
  for (let run = 0; run < 5 && (await reconcile(store, roomId)).kind !== 'done'; run += 1)
    clock.advance(1000);
  const state = await readRoom(store, roomId);
  expect(state?.applied).toBeNull();
  expect(state?.streams).toEqual([]);
  expect(state?.meta.status).toBe('idle');
  return roomId;
}

/** Every key of the room's (its hash tag), by a SCAN of the namespace. */
async function roomKeys(store: RoomStore, roomId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${store.namespace}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys.filter((key) => key.includes(`{room:${roomId}}`)));
  } while (cursor !== '0');
  return found;
}

const inIndex = async (store: RoomStore, roomId: string) =>
  (await redis.zscore(store.keys.index, roomId)) !== null;

function sweep(store: RoomStore, idleForgetMs = DAY, metrics?: ReturnType<typeof createMetrics>) {
  const deps = resyncDeps({ store, reconcileQueue: queue, now: clock.now, metrics });
  return resyncRooms({ ...deps, policy: { ...deps.policy, idleForgetMs } });
}

describe('the resync forgets idle rooms', () => {
  test('a room idle longer than ROOM_IDLE_FORGET_MS goes, every key of it; a younger one stays', async () => {
    const store = freshStore();
    const old = await endedShow(store);
    clock.advance(12 * HOUR);
    const young = await endedShow(store);
    expect((await roomKeys(store, old)).length).toBeGreaterThan(3);
    const metrics = createMetrics();
    clock.advance(12 * HOUR + 1000);
    const report = await sweep(store, DAY, metrics);
    expect(report.errors).toBe(0);
    expect(report.forgotten).toBe(1);
    expect(await roomKeys(store, old)).toEqual([]);
    expect(await inIndex(store, old)).toBe(false);
    expect(await readRoom(store, young)).not.toBeNull();
    expect(await inIndex(store, young)).toBe(true);
    expect(await metrics.registry.getSingleMetricAsString('mixkeeper_rooms_forgotten_total')).toMatch(
      /mixkeeper_rooms_forgotten_total 1$/m,
    );
    // 0 = never: the young room, idle long enough now, stays.
    clock.advance(DAY);
    expect((await sweep(store, 0)).forgotten).toBe(0);
    expect(await inIndex(store, young)).toBe(true);
  });

  test('a live stream, a leaving one, a config, an override, a waiting webhook event each keep their room', async () => {
    const store = freshStore();
    const live = 'live';
    await observe(store, 'push', live, 'live_host', 'main');
    const leaving = 'leaving';
    await observe(store, 'push', leaving, 'leaving_host', 'main');
    await observe(store, 'disconnect', leaving, 'leaving_host', 'main');
    const configured = await endedShow(store);
    await setConfig(store, configured, { preset: 'grid' }, clock.now());
    const overridden = await endedShow(store);
    await setOverride(
      store,
      overridden,
      { config: { preset: 'grid' }, at: clock.now(), until: clock.now() + 60_000 },
      clock.now(),
    );
    const hooked = await endedShow(store);
    const event = {
      id: 'evt_idle1',
      type: 'mix.ended' as const,
      timestamp: new Date(clock.now()).toISOString(),
      data: { roomId: hooked, tiles: [] },
    };
    expect(await queueEvent(store, hooked, 'ep1', event, clock.now())).toBe(true);
    clock.advance(2 * DAY);
    const report = await sweep(store);
    expect(report.errors).toBe(0);
    expect(report.forgotten).toBe(0);
    for (const roomId of [live, leaving, configured, overridden, hooked]) {
      expect(await inIndex(store, roomId), roomId).toBe(true);
      expect(await readRoom(store, roomId), roomId).not.toBeNull();
    }
    // The script's own check: the outbox holding an event refuses, whatever the caller decided.
    const { version } = (await readRoom(store, hooked))!.meta;
    expect(
      await forgetIdleRoom(store, hooked, { version, idleBefore: clock.now(), endpointIds: ['ep1'] }),
    ).toBe(false);
    expect(await inIndex(store, hooked)).toBe(true);
    // The event delivered (its outbox empty, out of the pending index): the room may go.
    expect(await completeHead(store, hooked, 'ep1', 'evt_idle1')).toBe(0);
    await reindexOutbox(store, hooked, 'ep1', clock.now());
    expect((await sweep(store)).forgotten).toBe(1);
    expect(await roomKeys(store, hooked)).toEqual([]);
  });

  test('a push racing the forget keeps the room, and a push after it creates the room again', async () => {
    const store = freshStore();
    const roomId = await endedShow(store);
    clock.advance(2 * DAY);
    const read = await readRoom(store, roomId);
    const idleBefore = clock.now() - DAY;
    // The push lands between the resync's read and its forget. Indexed at a time still idle, so
    // only the script's own check (version, streams) can see it.
    await observe(store, 'push', roomId, `${roomId}_host`, 'main', idleBefore - 1);
    expect(
      await forgetIdleRoom(store, roomId, { version: read!.meta.version, idleBefore, endpointIds: [] }),
    ).toBe(false);
    expect((await readRoom(store, roomId))?.streams.map((s) => s.streamId)).toEqual([`${roomId}_host`]);
    expect(await inIndex(store, roomId)).toBe(true);

    // A push marking the room active before the forget: the index keeps it (nothing removed).
    const other = await endedShow(store);
    clock.advance(2 * DAY);
    const otherRead = await readRoom(store, other);
    await observe(store, 'push', other, `${other}_host`, 'main');
    expect(
      await forgetIdleRoom(store, other, {
        version: otherRead!.meta.version,
        idleBefore: clock.now() - DAY,
        endpointIds: [],
      }),
    ).toBe(false);
    expect(await inIndex(store, other)).toBe(true);
    expect(await readRoom(store, other)).not.toBeNull();

    // Forgotten, then pushed again: a new room.
    const gone = await endedShow(store);
    clock.advance(2 * DAY);
    await observe(store, 'disconnect', other, `${other}_host`, 'main');
    const report = await sweep(store);
    expect(report.forgotten).toBeGreaterThanOrEqual(1);
    expect(await roomKeys(store, gone)).toEqual([]);
    const again = await observe(store, 'push', gone, `${gone}_host`, 'main');
    expect(again.outcome).toBe('applied');
    expect(await inIndex(store, gone)).toBe(true);
    expect((await readRoom(store, gone))?.streams.map((s) => s.streamId)).toEqual([`${gone}_host`]);
  });

  test('ROOMS_MAX reached: old idle rooms are forgotten and a new room is taken', async () => {
    const store = freshStore(3);
    const old = [await endedShow(store), await endedShow(store)];
    // A disconnect of a stream never seen indexes a room with no state: it counts under the cap too.
    await observe(store, 'disconnect', 'ghost', 'ghost_x', 'guest');
    expect(await redis.zcard(store.keys.index)).toBe(3);
    expect((await observe(store, 'push', 'newshow', 'newshow_host', 'main')).cap).toBe('rooms');
    clock.advance(DAY + 1000);
    const report = await sweep(store);
    expect(report.errors).toBe(0);
    expect(report.forgotten).toBe(3);
    for (const roomId of [...old, 'ghost']) expect(await roomKeys(store, roomId)).toEqual([]);
    expect(await redis.zcard(store.keys.index)).toBe(0);
    const taken = await observe(store, 'push', 'newshow', 'newshow_host', 'main');
    expect(taken.outcome).toBe('applied');
    expect(taken.cap).toBeUndefined();
  });
});
