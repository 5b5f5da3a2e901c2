import { Queue } from 'bullmq';
import { afterAll, assert, describe, expect, test } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import type { OnlineList } from '../../src/mix/online-list.js';
import { QUEUES, type ReconcileJob, reconcileDeduplicationId } from '../../src/queue/catalog.js';
import { requestReconcile } from '../../src/queue/reconcile-requests.js';
import { reconcileRoom } from '../../src/reconcile/reconcile-room.js';
import { readAudit } from '../../src/rooms/audit.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation, expireStream } from '../../src/rooms/observations.js';
import { reindexRooms } from '../../src/rooms/room-index.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import { type ResyncDeps, resyncRooms } from '../../workers/resync.js';
import { manualClock } from '../support/manual-clock.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import { recordingMixBackend } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';
import { resyncDeps } from '../support/resync-deps.js';

/** The resync sweep against a real Redis and a real BullMQ queue (no worker: jobs are inspected). */

const { redis, namespace } = useRedis();
const store = new RoomStore(redis, { namespace });
const queue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection: redis, prefix: `{${namespace}}` });
afterAll(() => queue.close());

const HOUR = 3600_000;
const T0 = 1_800_000_000_000;
const clock = manualClock(T0);
const backend = recordingMixBackend();
let rooms = 0;

const deps = (over: Partial<ResyncDeps> = {}) =>
  resyncDeps({ store, reconcileQueue: queue, now: clock.now, ...over });

const member = (roomId: string, role: 'main' | 'guest'): Membership => ({
  roomId,
  role,
  media: 'av',
  notes: [],
  ...(role === 'main' ? { preset: 'pip' as const } : {}),
});

function newRoom() {
  rooms += 1;
  return `rs${rooms}`;
}

async function push(roomId: string, streamId: string, role: 'main' | 'guest', sequence = '1') {
  return applyObservation(
    store,
    {
      kind: 'push',
      streamId,
      sequence,
      eventTimeMs: clock.now(),
      receivedAt: clock.now(),
      width: 540,
      height: 960,
      membership: member(roomId, role),
    },
    clock.now(),
  );
}

/** Brings the room to `mixing` through the real reconcile, past the readiness delay. */
async function mixed(roomId: string) {
  await push(roomId, `${roomId}_host`, 'main');
  await push(roomId, `${roomId}_guest`, 'guest');
  clock.advance(5000);
  const result = await reconcileRoom(
    roomId,
    { number: 1, max: 1 },
    {
      store,
      backend,
      now: clock.now,
      timing: PLATFORM_TIMING,
      leaveGraceMs: 3000,
      leaseMs: 10_000,
    },
  );
  expect(result.kind).toBe('done');
  expect((await readRoom(store, roomId))?.meta.status).toBe('mixing');
}

const queued = async (roomId: string) => {
  const jobId = await queue.getDeduplicationJobId(reconcileDeduplicationId(roomId));
  return jobId ? queue.getJob(jobId) : undefined;
};

async function clearJobs() {
  await queue.obliterate({ force: true });
}

const truth = (names: string[] | null): OnlineList => ({
  liveStreams: async () => (names ? { streams: new Set(names), origins: 'all', complete: true } : null),
});

describe('resyncRooms', () => {
  test('asks for a reconcile of every room out of step, and of no room in step', async () => {
    await clearJobs();
    const inStep = newRoom();
    const outOfStep = newRoom();
    await mixed(inStep);
    await push(outOfStep, `${outOfStep}_host`, 'main');
    await push(outOfStep, `${outOfStep}_guest`, 'guest');
    clock.advance(5000);
    const report = await resyncRooms(deps());
    expect(report.errors).toBe(0);
    expect(await queued(outOfStep)).toBeDefined();
    expect(await queued(inStep)).toBeUndefined();
    expect(report.reconciles).toBeGreaterThanOrEqual(1);
  });

  test('walks the whole index in pages: 250 rooms are all seen', async () => {
    await clearJobs();
    const ids = Array.from({ length: 250 }, () => newRoom());
    for (const id of ids) await push(id, `${id}_host`, 'main');
    const report = await resyncRooms(deps());
    // Other tests' rooms share the index; these 250 are among those seen.
    expect(report.rooms).toBeGreaterThanOrEqual(250);
    expect(report.errors).toBe(0);
  });

  test('a queued reconcile is left where it is (its delay is not moved)', async () => {
    await clearJobs();
    const roomId = newRoom();
    await push(roomId, `${roomId}_host`, 'main');
    await push(roomId, `${roomId}_guest`, 'guest');
    await requestReconcile(queue, roomId, 60_000, 3);
    const before = await queued(roomId);
    const report = await resyncRooms(deps({ jitterMs: 0 }));
    const after = await queued(roomId);
    expect(after?.id).toBe(before?.id);
    expect(after?.delay).toBe(60_000);
    expect(await after?.getState()).toBe('delayed');
    expect(report.busy).toBeGreaterThanOrEqual(1);
  });

  test('without a online list, a stream silent past STREAM_SILENCE_MS is expired and audited', async () => {
    await clearJobs();
    const roomId = newRoom();
    await mixed(roomId);
    clock.advance(6 * HOUR);
    const report = await resyncRooms(deps());
    expect(report.onlineList).toBe('none');
    expect(report.expired).toBeGreaterThanOrEqual(2);
    const state = await readRoom(store, roomId);
    expect(state?.streams.every((s) => s.leftAt === clock.now())).toBe(true);
    const audit = await readAudit(store, roomId, 5);
    expect(audit.filter((e) => e.type === 'resync')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'expire', stream: `${roomId}_guest`, outcome: 'applied' }),
      ]),
    );
    expect(await queued(roomId)).toBeDefined();
  });

  test('with a online list, unlisted streams are expired and listed ones confirmed', async () => {
    await clearJobs();
    const roomId = newRoom();
    await mixed(roomId);
    clock.advance(4 * HOUR);
    const report = await resyncRooms(deps({ onlineList: truth([`${roomId}_host`]) }));
    expect(report.onlineList).toBe('used');
    const state = await readRoom(store, roomId);
    const byId = new Map(state?.streams.map((s) => [s.streamId, s]));
    expect(byId.get(`${roomId}_guest`)?.leftAt).toBe(clock.now());
    expect(byId.get(`${roomId}_host`)?.leftAt).toBeUndefined();
    expect(byId.get(`${roomId}_host`)?.confirmedAt).toBe(clock.now());
    expect(await queued(roomId)).toBeDefined();

    // The list goes away: the host was confirmed 3 h ago, within the 6 h silence: it stays.
    clock.advance(3 * HOUR);
    const blind = await resyncRooms(deps({ onlineList: truth(null) }));
    expect(blind.onlineList).toBe('unavailable');
    expect(
      (await readRoom(store, roomId))?.streams.find((s) => s.streamId === `${roomId}_host`)?.leftAt,
    ).toBe(undefined);
  });

  test('an expiry ends only the push it names: a replacing push survives', async () => {
    const roomId = newRoom();
    await push(roomId, `${roomId}_host`, 'main', '100');
    await push(roomId, `${roomId}_guest`, 'guest', '200');
    clock.advance(1000);
    await push(roomId, `${roomId}_guest`, 'guest', '201');
    const stale = await expireStream(
      store,
      roomId,
      { streamId: `${roomId}_guest`, sequence: '200' },
      'test',
      clock.now(),
    );
    expect(stale.outcome).toBe('stale');
    const guest = (await readRoom(store, roomId))?.streams.find((s) => s.streamId === `${roomId}_guest`);
    expect(guest).toMatchObject({ sequence: '201' });
    expect(guest?.leftAt).toBeUndefined();
  });

  test('a failed room is retried on the slower cadence, not before', async () => {
    await clearJobs();
    const roomId = newRoom();
    await push(roomId, `${roomId}_host`, 'main');
    await push(roomId, `${roomId}_guest`, 'guest');
    const { version } = await push(roomId, `${roomId}_guest2`, 'guest');
    await updateRoom(
      store,
      roomId,
      {
        status: 'failed',
        failedVersion: version,
        lastError: { code: -2, message: 'x', hint: '', at: clock.now(), op: 'start' },
      },
      clock.now(),
    );
    clock.advance(60_000);
    await resyncRooms(deps());
    expect(await queued(roomId)).toBeUndefined();
    expect((await readRoom(store, roomId))?.meta.failedVersion).toBe(version);

    clock.advance(5 * 60_000);
    const report = await resyncRooms(deps());
    expect(report.retriedFailed).toBeGreaterThanOrEqual(1);
    const state = await readRoom(store, roomId);
    assert(state, 'the room is stored');
    expect(state.meta.failedVersion).toBeUndefined();
    expect(await queued(roomId)).toBeDefined();
    expect((await readAudit(store, roomId, 1))[0]).toMatchObject({ type: 'resync', action: 'retry-failed' });
  });

  test('reindex puts rooms whose index entry was lost back in the index', async () => {
    const roomId = newRoom();
    await push(roomId, `${roomId}_host`, 'main');
    await redis.zrem(store.keys.index, roomId);
    expect(await redis.zscore(store.keys.index, roomId)).toBeNull();
    expect(await reindexRooms(store, clock.now())).toBeGreaterThanOrEqual(1);
    expect(await redis.zscore(store.keys.index, roomId)).not.toBeNull();
    expect(await reindexRooms(store, clock.now())).toBe(0);
  });
});

describe('mixkeeper_rooms', () => {
  test('a sweep counts every room it reads by status, for the dashboard', async () => {
    const id = newRoom();
    await mixed(id);
    const metrics = createMetrics();
    const report = await resyncRooms(deps({ metrics }));
    const values = (await metrics.rooms.get()).values;
    const count = (status: string) => values.find((v) => v.labels.status === status)?.value;
    expect(count('mixing')).toBeGreaterThanOrEqual(1);
    expect(values.map((v) => v.labels.status).sort()).toEqual([
      'deleting',
      'failed',
      'idle',
      'mixing',
      'pending',
    ]);
    expect(values.reduce((sum, v) => sum + v.value, 0)).toBe(report.rooms);
  });
});
