import { assert, describe, expect, test } from 'vitest';
import { type ReconcileDeps, reconcileRoom } from '../../src/reconcile/reconcile-room.js';
import { readLeased } from '../../src/rooms/lease.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import type { MixSpec } from '../../src/tencent/mix-spec.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import { type CallOutcome, recordingMixBackend, scriptedOutcomes } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';

const { redis, namespace } = useRedis();
const store = new RoomStore(redis, { namespace });
const T0 = 1_800_000_000_000;
let rooms = 0;

/** A room whose mix API answers from `script` (one outcome per call, then `ok`). */
function setup(script: CallOutcome[] = [], leaveGraceMs = 3000) {
  rooms += 1;
  const roomId = `rr${rooms}`;
  const clock = { now: T0 };
  const backend = recordingMixBackend(() => clock.now);
  backend.setOutcomes(scriptedOutcomes(script));
  const deps: ReconcileDeps = {
    store,
    backend,
    now: () => clock.now,
    timing: PLATFORM_TIMING,
    leaveGraceMs,
    leaseMs: 10_000,
  };
  const member = (role: 'main' | 'guest'): Membership => ({
    roomId,
    role,
    media: 'av',
    notes: [],
    ...(role === 'main' ? { preset: 'pip' as const } : {}),
  });
  const push = (streamId: string, role: 'main' | 'guest', sequence = '1') =>
    applyObservation(
      store,
      {
        kind: 'push',
        streamId,
        sequence,
        eventTimeMs: clock.now,
        receivedAt: clock.now,
        width: 540,
        height: 960,
        membership: member(role),
      },
      clock.now,
    );
  const disconnect = (streamId: string, role: 'main' | 'guest', sequence = '1') =>
    applyObservation(
      store,
      {
        kind: 'disconnect',
        streamId,
        sequence,
        eventTimeMs: clock.now,
        receivedAt: clock.now,
        width: 0,
        height: 0,
        membership: member(role),
      },
      clock.now,
    );
  const run = (attempt = 1, max = 3) => reconcileRoom(roomId, { number: attempt, max }, deps);
  /** The host and `guests` pushed now (T0), then one run once they are ready (T0 + 5 s). */
  const mixed = async (...guests: string[]) => {
    await push('host', 'main');
    for (const guest of guests) await push(guest, 'guest');
    clock.now = T0 + 5000;
    return run();
  };
  return { roomId, clock, calls: backend.calls, push, disconnect, run, mixed };
}

describe('reconcileRoom', () => {
  test('waits for readiness, then starts once; a second run sends nothing', async () => {
    const r = setup();
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 5000 });
    r.clock.now = T0 + 5000;
    expect(await r.run()).toMatchObject({ kind: 'done' });
    expect(await r.run()).toMatchObject({ kind: 'done', summary: 'the platform runs the desired plan' });
    expect(r.calls.map((c) => `${c.op} ${c.sessionId}`)).toEqual([`start ${r.roomId}_1`]);
    expect((await readRoom(store, r.roomId))?.meta.status).toBe('mixing');
  });

  test('a timed-out start is applied again to the same session, never a second one', async () => {
    const r = setup(['timeout-lost']);
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    r.clock.now = T0 + 5000;
    expect(await r.run(1)).toMatchObject({ kind: 'retry', error: { code: 'timeout' } });
    expect((await readRoom(store, r.roomId))?.applied).toMatchObject({
      sessionId: `${r.roomId}_1`,
      uncertain: true,
    });
    r.clock.now += 1000;
    expect(await r.run(2)).toMatchObject({ kind: 'done' });
    expect(r.calls.map((c) => c.sessionId)).toEqual([`${r.roomId}_1`, `${r.roomId}_1`]);
    const applied = (await readRoom(store, r.roomId))?.applied;
    expect(applied?.sessionId).toBe(`${r.roomId}_1`);
    expect(applied?.uncertain).toBeUndefined();
  });

  test('a permanent error fails the room once; it is retried only after the room changes', async () => {
    const r = setup([-2]);
    await r.mixed('guest');
    const state = await readRoom(store, r.roomId);
    expect(state?.meta).toMatchObject({ status: 'failed', lastError: { code: -2, op: 'start' } });
    expect(await r.run()).toMatchObject({
      kind: 'done',
      summary: expect.stringMatching(/failed at this version/),
    });
    expect(r.calls).toHaveLength(1);
    await r.push('guest2', 'guest');
    r.clock.now += 5000;
    await r.run();
    expect(r.calls).toHaveLength(2);
    expect((await readRoom(store, r.roomId))?.meta.status).toBe('mixing');
  });

  test('transient errors exhaust the attempts into failed with the last code', async () => {
    const r = setup([-505, -505]);
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    r.clock.now = T0 + 5000;
    expect(await r.run(1, 2)).toMatchObject({ kind: 'retry', error: { code: -505 } });
    expect((await readRoom(store, r.roomId))?.meta.status).toBe('pending');
    r.clock.now += 1000;
    expect(await r.run(2, 2)).toMatchObject({ kind: 'done' });
    expect((await readRoom(store, r.roomId))?.meta).toMatchObject({
      status: 'failed',
      lastError: { code: -505 },
    });
  });

  test('the main leaving a PiP room cancels after its grace and the minimum age; it returns in a new session', async () => {
    const r = setup();
    await r.mixed('guest');
    await r.disconnect('host', 'main');
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 5000 + 3000 });
    r.clock.now += 3000;
    // the grace is over but the session is only 3 s old: the platform's 5 s minimum holds it
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 5000 + 5000 });
    r.clock.now = T0 + 10_000;
    expect(await r.run()).toMatchObject({ kind: 'rerun', summary: `cancelled ${r.roomId}_1` });
    expect((await readRoom(store, r.roomId))?.streams.map((s) => s.streamId)).toEqual(['guest']);
    await r.push('host', 'main', '2');
    r.clock.now += 5000;
    await r.run();
    expect(r.calls.map((c) => `${c.op} ${c.sessionId}`)).toEqual([
      `start ${r.roomId}_1`,
      `cancel ${r.roomId}_1`,
      `start ${r.roomId}_2`,
    ]);
  });

  test('an update restarts the cancel clock: the last guest leaving 200 ms after another waits 5 s from the update', async () => {
    const r = setup([], 0);
    await r.mixed('g1', 'g2');
    r.clock.now = T0 + 60_000;
    await r.disconnect('g2', 'guest');
    expect(await r.run()).toMatchObject({ kind: 'done', summary: `started ${r.roomId}_1` });
    expect((await readRoom(store, r.roomId))?.applied).toMatchObject({
      startedAt: T0 + 5000,
      lastStartAt: T0 + 60_000,
    });
    r.clock.now = T0 + 60_200;
    await r.disconnect('g1', 'guest');
    // The session is 55 s old, but the update was accepted 200 ms ago.
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 65_000 });
    r.clock.now = T0 + 64_999;
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 65_000 });
    r.clock.now = T0 + 65_000;
    expect(await r.run()).toMatchObject({ kind: 'rerun', summary: `cancelled ${r.roomId}_1` });
    expect(r.calls.map((c) => `${c.op} ${c.sessionId} ${c.spec?.inputs.length ?? ''}`.trim())).toEqual([
      `start ${r.roomId}_1 3`,
      `start ${r.roomId}_1 2`,
      `cancel ${r.roomId}_1`,
    ]);
  });

  test('a leaving guest holds its tile without a request, but is left out of any request sent in its grace', async () => {
    const r = setup([], 20_000);
    await r.mixed('g1', 'g2');
    await r.disconnect('g1', 'guest');
    expect(await r.run()).toMatchObject({ kind: 'wait', until: T0 + 5000 + 20_000 });
    expect(r.calls).toHaveLength(1);
    r.clock.now += 1000;
    await r.push('g3', 'guest');
    r.clock.now += 5000;
    await r.run();
    const [first, last] = [r.calls[0]?.spec, r.calls.at(-1)?.spec];
    // g1 is not sent; g3 takes the tile g1 left, g2 keeps its own
    expect(last?.inputs.map((i) => i.streamId)).toEqual(['host', 'g3', 'g2']);
    const rectOf = (spec: MixSpec | undefined, id: string) =>
      spec?.inputs.find((i) => i.streamId === id)?.rect;
    expect([rectOf(first, 'g1'), rectOf(first, 'g2')]).toEqual([expect.any(Object), expect.any(Object)]);
    expect(rectOf(last, 'g3')).toEqual(rectOf(first, 'g1'));
    expect(rectOf(last, 'g2')).toEqual(rectOf(first, 'g2'));
  });

  test('a room held by another reconcile is left alone', async () => {
    const r = setup();
    await r.push('host', 'main');
    const other = await readLeased(store, r.roomId, 10_000);
    assert('lease' in other, 'the test holds the room');
    const before = r.clock.now;
    const result = await r.run();
    // looked at again within a second, not after the holder's whole lease
    expect(result).toEqual({
      kind: 'busy',
      until: before + 1000,
      summary: 'another reconcile holds the room',
    });
    await other.lease.release();
    expect(r.calls).toHaveLength(0);
  });
});
