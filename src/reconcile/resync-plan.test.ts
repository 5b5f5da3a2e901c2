import { describe, expect, test } from 'vitest';
import type { RoomState } from '../rooms/room-state.js';
import type { AppliedMix, StoredStream } from '../rooms/stored.js';
import { LIMITS } from '../tencent/limits.js';
import { idleRoomForgettable, planRoomResync, type ResyncListing, type ResyncPolicy } from './resync-plan.js';
import { desiredPlan, viewRoom } from './snapshot.js';

const T0 = 1_800_000_000_000;
const HOUR = 3600_000;
const policy: ResyncPolicy = {
  leaveGraceMs: 3000,
  silenceMs: 6 * HOUR,
  failedRetryMs: 5 * 60_000,
  onlineListGraceMs: 60_000,
  limits: LIMITS.legacy,
};

function stream(streamId: string, role: 'main' | 'guest', over: Partial<StoredStream> = {}): StoredStream {
  return {
    streamId,
    sequence: `${streamId}-seq`,
    role,
    media: 'av',
    pushedAt: T0 - HOUR,
    eventTimeMs: T0 - HOUR,
    width: 540,
    height: 960,
    ...over,
  };
}

function room(streams: StoredStream[], over: Partial<RoomState> = {}): RoomState {
  return {
    roomId: 'r1',
    meta: { version: 7, status: 'idle', epoch: 0, pushPreset: 'pip' },
    config: undefined,
    streams,
    applied: null,
    causes: [],
    ...over,
  };
}

/** The room as it is when the platform runs exactly what it should. */
function inStep(state: RoomState, now = T0): RoomState {
  const plan = desiredPlan(viewRoom(state, now, policy.leaveGraceMs, policy.limits), null);
  if (!plan) return { ...state, meta: { ...state.meta, status: 'idle' } };
  const applied: AppliedMix = {
    sessionId: 'r1_1',
    epoch: 1,
    plan,
    startedAt: T0 - HOUR,
    lastStartAt: T0 - HOUR,
    version: state.meta.version,
  };
  return { ...state, applied, meta: { ...state.meta, status: 'mixing', epoch: 1 } };
}

const live = (...names: string[]): ResyncListing => ({
  streams: new Set(names),
  origins: 'all',
  complete: true,
  readAt: T0,
});

describe('planRoomResync: rooms in and out of step', () => {
  test('a room whose applied mix is the desired one is left alone', () => {
    const plan = planRoomResync(inStep(room([stream('a', 'main'), stream('b', 'guest')])), null, T0, policy);
    expect(plan).toMatchObject({ reconcile: false, expire: [], confirm: [], retryFailed: false });
  });

  test('a room with live hosts and no mix is reconciled', () => {
    const plan = planRoomResync(room([stream('a', 'main'), stream('b', 'guest')]), null, T0, policy);
    expect(plan.reconcile).toBe(true);
    expect(plan.reason).toMatch(/desired/);
  });

  test('a mix that runs while nobody should be mixed is reconciled (to cancel it)', () => {
    const full = inStep(room([stream('a', 'main'), stream('b', 'guest')]));
    const plan = planRoomResync({ ...full, streams: [stream('a', 'main')] }, null, T0, policy);
    expect(plan).toMatchObject({ reconcile: true, reason: 'a mix runs that should not' });
  });

  test('an uncertain start (timed out) is reconciled even when its plan is the desired one', () => {
    const state = inStep(room([stream('a', 'main'), stream('b', 'guest')]));
    const uncertain = { ...state, applied: { ...state.applied!, uncertain: true } };
    expect(planRoomResync(uncertain, null, T0, policy).reconcile).toBe(true);
  });

  test('a room in step whose status is stale gets one reconcile to fix it', () => {
    const state = inStep(room([stream('a', 'main'), stream('b', 'guest')]));
    const stale = { ...state, meta: { ...state.meta, status: 'pending' as const } };
    expect(planRoomResync(stale, null, T0, policy)).toMatchObject({ reconcile: true });
  });

  test('a leaving stream past its grace makes the room out of step', () => {
    const state = inStep(room([stream('a', 'main'), stream('b', 'guest'), stream('c', 'guest')]));
    const left = {
      ...state,
      streams: state.streams.map((s) => (s.streamId === 'c' ? { ...s, leftAt: T0 - 10_000 } : s)),
    };
    expect(planRoomResync(left, null, T0, policy).reconcile).toBe(true);
  });

  test('a room being deleted always gets a reconcile', () => {
    const state = room([], { meta: { version: 3, status: 'idle', epoch: 2, deleting: T0 - 1000 } });
    expect(planRoomResync(state, null, T0, policy)).toMatchObject({
      reconcile: true,
      reason: 'being deleted',
    });
  });
});

describe('planRoomResync: failed rooms', () => {
  const failed = (errorAt: number, failedVersion = 7) =>
    room([stream('a', 'main'), stream('b', 'guest')], {
      meta: {
        version: 7,
        status: 'failed',
        epoch: 0,
        failedVersion,
        lastError: { code: -2, message: 'bad', hint: '', at: errorAt, op: 'start' },
      },
    });

  test('a room failed at its version is not retried before the slower cadence', () => {
    const plan = planRoomResync(failed(T0 - policy.failedRetryMs + 1), null, T0, policy);
    expect(plan).toMatchObject({ reconcile: false, retryFailed: false });
  });

  test('once the slower cadence has passed, the failed mark is cleared and the room reconciled', () => {
    const plan = planRoomResync(failed(T0 - policy.failedRetryMs), null, T0, policy);
    expect(plan).toMatchObject({ reconcile: true, retryFailed: true });
  });

  test('a room that changed since it failed is reconciled like any other', () => {
    const plan = planRoomResync(failed(T0, 6), null, T0, policy);
    expect(plan).toMatchObject({ reconcile: true, retryFailed: false });
  });
});

describe('planRoomResync: lost disconnects without a online list (silence)', () => {
  test('a stream unconfirmed for the silence is expired with its own sequence', () => {
    const state = room([stream('a', 'main', { pushedAt: T0 - 7 * HOUR }), stream('b', 'guest')]);
    const plan = planRoomResync(state, null, T0, policy);
    expect(plan.expire).toEqual([
      { streamId: 'a', sequence: 'a-seq', reason: expect.stringMatching(/7\.0 h/) },
    ]);
    expect(plan.reconcile).toBe(true);
  });

  test('a online-list confirmation restarts the silence', () => {
    const state = room([stream('a', 'main', { pushedAt: T0 - 7 * HOUR, confirmedAt: T0 - HOUR })]);
    expect(planRoomResync(state, null, T0, policy).expire).toEqual([]);
  });

  test('a stream already leaving is never expired again', () => {
    const state = room([stream('a', 'main', { pushedAt: T0 - 7 * HOUR, leftAt: T0 - 1000 })]);
    expect(planRoomResync(state, null, T0, policy).expire).toEqual([]);
  });

  test('silence 0 turns the rule off', () => {
    const state = room([stream('a', 'main', { pushedAt: T0 - 700 * HOUR })]);
    expect(planRoomResync(state, null, T0, { ...policy, silenceMs: 0 }).expire).toEqual([]);
  });

  test('expiry wins over a failed mark: the room changed', () => {
    const state = room([stream('a', 'main', { pushedAt: T0 - 7 * HOUR })], {
      meta: { version: 7, status: 'failed', epoch: 0, failedVersion: 7 },
    });
    expect(planRoomResync(state, null, T0, policy)).toMatchObject({ reconcile: true, retryFailed: false });
  });
});

describe('planRoomResync: with the platform’s online list', () => {
  test('a stream the list does not show is expired, whatever its age', () => {
    const state = inStep(room([stream('a', 'main'), stream('b', 'guest')]));
    const plan = planRoomResync(state, live('a'), T0, policy);
    expect(plan.expire).toEqual([
      { streamId: 'b', sequence: 'b-seq', reason: 'not in the platform’s online list' },
    ]);
    expect(plan.reconcile).toBe(true);
  });

  test('a stream pushed within the grace before the list was read is kept (the list lags)', () => {
    const state = room([
      stream('a', 'main'),
      stream('b', 'guest', { pushedAt: T0 - policy.onlineListGraceMs + 1 }),
    ]);
    expect(planRoomResync(state, live('a'), T0, policy).expire).toEqual([]);
  });

  test('the list overrides the silence rule: a listed stream is never expired for its age', () => {
    const state = inStep(room([stream('a', 'main', { pushedAt: T0 - 70 * HOUR }), stream('b', 'guest')]));
    const plan = planRoomResync(state, live('a', 'b'), T0, policy);
    expect(plan.expire).toEqual([]);
    expect(plan.reconcile).toBe(false);
  });

  test('listed streams are confirmed once half the silence has passed since last heard', () => {
    const state = room([
      stream('a', 'main', { pushedAt: T0 - 3 * HOUR }),
      stream('b', 'guest', { pushedAt: T0 - 3 * HOUR + 1 }),
    ]);
    expect(planRoomResync(state, live('a', 'b'), T0, policy).confirm).toEqual([
      { streamId: 'a', sequence: 'a-seq' },
    ]);
  });
});

describe('planRoomResync: a list read per push origin', () => {
  /** A listing that read `origins` in full; `complete` when no other origin was asked about. */
  const partial = (origins: string[], names: string[], complete = false): ResyncListing => ({
    streams: new Set(names),
    origins: new Set(origins),
    complete,
    readAt: T0,
  });
  const a = (id: string, role: 'main' | 'guest', over: Partial<StoredStream> = {}) =>
    stream(id, role, { origin: 'a.test/live', ...over });
  const down = (id: string, role: 'main' | 'guest', over: Partial<StoredStream> = {}) =>
    stream(id, role, { origin: 'down.test/live', ...over });

  test('a stream whose origin was read follows the list; one whose origin failed keeps the silence rule', () => {
    const state = room([a('a1', 'main'), a('a2', 'guest'), down('d1', 'guest')]);
    const plan = planRoomResync(state, partial(['a.test/live'], ['a1']), T0, policy);
    // a2 is unlisted under a read origin: gone. d1 is unlisted because its origin was not read: kept.
    expect(plan.expire.map((e) => e.streamId)).toEqual(['a2']);
  });

  test('the silence rule still ends a stream of an unread origin once it has been silent long enough', () => {
    const state = room([a('a1', 'main'), down('d1', 'guest', { pushedAt: T0 - 6 * HOUR })]);
    const plan = planRoomResync(state, partial(['a.test/live'], ['a1']), T0, policy);
    expect(plan.expire).toEqual([
      { streamId: 'd1', sequence: 'd1-seq', reason: 'no callback or online listing for 6.0 h' },
    ]);
  });

  test('a stream of no recorded origin keeps the silence rule, even when every origin asked about was read', () => {
    const state = room([a('a1', 'main'), stream('x', 'guest')]);
    expect(planRoomResync(state, partial(['a.test/live'], ['a1']), T0, policy).expire).toEqual([]);
    expect(planRoomResync(state, partial(['a.test/live'], ['a1'], true), T0, policy).expire).toEqual([]);
    // The silence rule still ends it.
    const silent = room([a('a1', 'main'), stream('x', 'guest', { pushedAt: T0 - 6 * HOUR })]);
    const plan = planRoomResync(silent, partial(['a.test/live'], ['a1'], true), T0, policy);
    expect(plan.expire.map((e) => e.streamId)).toEqual(['x']);
  });

  test('after an upgrade, one origin’s complete listing ends no stream stored without an origin', () => {
    // Streams stored before origins were recorded, or pushed under an app/appname isPushOrigin
    // refuses, have none; the only origin asked about is the one pushed to since the upgrade.
    const before = stream('old-host', 'main', { pushedAt: T0 - 2 * HOUR });
    const oldGuest = stream('old-guest', 'guest', { pushedAt: T0 - 2 * HOUR });
    const state = room([before, oldGuest, a('a1', 'guest')]);
    const listing = partial(['a.test/live'], ['a1'], true);
    // Long past the online list's grace, well within the silence.
    expect(listing.readAt - before.pushedAt).toBeGreaterThan(policy.onlineListGraceMs);
    const plan = planRoomResync(state, listing, T0, policy);
    expect(plan.expire).toEqual([]);
  });

  test('a stream of an origin nobody asked about is not the list’s to end', () => {
    const state = room([a('a1', 'main'), stream('o1', 'guest', { origin: 'other.test/live' })]);
    expect(planRoomResync(state, partial(['a.test/live'], ['a1'], true), T0, policy).expire).toEqual([]);
  });
});

describe('idleRoomForgettable', () => {
  const DAY = 24 * HOUR;
  const empty = room([]);
  const idleSince = T0 - DAY - 1;

  test('an empty room idle longer than the setting may go; one idle exactly that long or less stays', () => {
    expect(idleRoomForgettable(empty, idleSince, T0, DAY, false)).toEqual({
      forget: true,
      reason: 'idle for 24.0 h',
    });
    expect(idleRoomForgettable(empty, T0 - DAY, T0, DAY, false).forget).toBe(false);
    expect(idleRoomForgettable(empty, T0 - HOUR, T0, DAY, false).forget).toBe(false);
    // Changed since (a stream expired by the resync, a cancel): the index's time alone does not decide.
    const changed = room([], { meta: { version: 9, status: 'idle', epoch: 1, updatedAt: T0 - HOUR } });
    expect(idleRoomForgettable(changed, idleSince, T0, DAY, false).forget).toBe(false);
  });

  test('0 means never', () => {
    expect(idleRoomForgettable(empty, 0, T0, 0, false)).toEqual({
      forget: false,
      reason: 'ROOM_IDLE_FORGET_MS is 0',
    });
  });

  test('whatever keeps a room keeps it, however long it has been idle', () => {
    const kept: [string, RoomState, boolean][] = [
      ['a live stream', room([stream('h', 'main')]), false],
      ['a leaving stream', room([stream('h', 'main', { leftAt: T0 - DAY })]), false],
      ['a mix applied', inStep(room([stream('h', 'main'), stream('g', 'guest')])), false],
      ['a request under way', room([], { meta: { version: 3, status: 'pending', epoch: 1 } }), false],
      [
        'failed (a start whose outcome is unknown)',
        room([], { meta: { version: 3, status: 'failed', epoch: 1 } }),
        false,
      ],
      ['an operator’s config', room([], { config: { preset: 'grid' } }), false],
      [
        'an operator’s override',
        room([], { override: { config: {}, at: T0 - 2 * DAY, until: T0 - DAY } }),
        false,
      ],
      [
        'being deleted',
        room([], { meta: { version: 3, status: 'idle', epoch: 0, deleting: T0 - DAY } }),
        false,
      ],
      ['webhook events waiting', empty, true],
    ];
    for (const [what, state, outboxWaiting] of kept) {
      expect(idleRoomForgettable(state, 0, T0, DAY, outboxWaiting).forget, what).toBe(false);
    }
  });
});
