import { describe, expect, test } from 'vitest';
import { createMetrics } from '../../src/metrics.js';
import type { StreamListing, StreamVerifier } from '../../src/mix/online-list.js';
import { type ReconcileDeps, reconcileRoom } from '../../src/reconcile/reconcile-room.js';
import { UNLISTED } from '../../src/reconcile/verify-streams.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import { recordingMixBackend } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';

/**
 * VERIFY_NEW_STREAMS in the reconcile, with a manual clock and an online list the test scripts: a
 * genuine stream is verified within the readiness delay, so its mix starts when it would have
 * anyway; one the list never shows is asked about a few times, then refused, and never sent.
 */

const { redis, namespace } = useRedis();
const store = new RoomStore(redis, { namespace });
const T0 = 1_800_000_000_000;
const WINDOW = 15_000;
let rooms = 0;

/** An online list where each stream appears `lagMs` after T0 (never, without a lag); or unreadable. */
function scriptedList(lags: Record<string, number>, clock: { now: number }, unreadable = false) {
  const asked: { stream: string; at: number }[] = [];
  const verifier: StreamVerifier = {
    async listing(origin, stream): Promise<StreamListing> {
      asked.push({ stream, at: clock.now });
      if (unreadable) return { unavailable: 'timeout' };
      expect(origin).toEqual({ domain: 'push.example.com', appName: 'live' });
      const lag = lags[stream];
      return lag !== undefined && clock.now >= T0 + lag ? 'listed' : 'unlisted';
    },
  };
  return { verifier, asked };
}

function setup(lags: Record<string, number>, unreadable = false) {
  rooms += 1;
  const roomId = `vr${rooms}`;
  const clock = { now: T0 };
  const backend = recordingMixBackend(() => clock.now);
  const list = scriptedList(lags, clock, unreadable);
  const metrics = createMetrics();
  const deps: ReconcileDeps = {
    metrics,
    store,
    backend,
    now: () => clock.now,
    timing: PLATFORM_TIMING,
    leaveGraceMs: 3000,
    leaseMs: 10_000,
    verifier: list.verifier,
    verifyWindowMs: WINDOW,
  };
  const member = (role: 'main' | 'guest'): Membership => ({
    roomId,
    role,
    media: 'av',
    notes: [],
    ...(role === 'main' ? { preset: 'pip' as const } : {}),
  });
  const push = (streamId: string, role: 'main' | 'guest') =>
    applyObservation(
      store,
      {
        kind: 'push',
        streamId,
        sequence: '1',
        eventTimeMs: clock.now,
        receivedAt: clock.now,
        width: 540,
        height: 960,
        membership: member(role),
        origin: 'push.example.com/live',
        verify: 'pending',
      },
      clock.now,
    );
  /** Runs the reconcile whenever it asks to come back, until `until`; returns when each ran. */
  const runUntil = async (until: number) => {
    clock.now = T0 + 300; // the debounce after the pushes
    for (;;) {
      const result = await reconcileRoom(roomId, { number: 1, max: 3 }, deps);
      if (result.kind !== 'wait' || result.until > until) return;
      clock.now = Math.max(result.until, clock.now);
    }
  };
  const verdicts = async () =>
    Object.fromEntries(
      (await metrics.streamVerifications.get()).values.map((v) => [String(v.labels.verdict), v.value]),
    );
  return { roomId, clock, backend, asked: list.asked, push, runUntil, verdicts };
}

describe('verifying new streams in the reconcile', () => {
  test('listed at once: asked once each, mixed at the readiness delay as without verification', async () => {
    const r = setup({ host: 0, guest: 0 });
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    await r.runUntil(T0 + 60_000);
    expect(r.asked.map((a) => [a.stream, a.at]).sort()).toEqual([
      ['guest', T0 + 300],
      ['host', T0 + 300],
    ]);
    expect(r.backend.calls.map((c) => [c.op, c.inputs, c.at])).toEqual([
      ['start', ['host', 'guest'], T0 + PLATFORM_TIMING.readyDelayMs],
    ]);
    expect((await readRoom(store, r.roomId))?.streams.map((s) => s.verify)).toEqual(['listed', 'listed']);
    expect(r.asked).toHaveLength(2);
  });

  test('a list lagging 3 s: asked again at growing gaps, still mixed at the readiness delay', async () => {
    const r = setup({ host: 0, guest: 3000 });
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    await r.runUntil(T0 + 60_000);
    expect(r.asked.filter((a) => a.stream === 'guest').map((a) => a.at - T0)).toEqual([300, 800, 1600, 3200]);
    expect(r.backend.calls.map((c) => [c.inputs, c.at - T0])).toEqual([
      [['host', 'guest'], PLATFORM_TIMING.readyDelayMs],
    ]);
  });

  test('a stream the list never shows: asked a few times, refused at the window’s end, never sent', async () => {
    const r = setup({ host: 0, guest: 0 });
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    await r.push('ghost', 'guest');
    await r.runUntil(T0 + 60_000);
    const ghostAsks = r.asked.filter((a) => a.stream === 'ghost').map((a) => a.at - T0);
    expect(ghostAsks.length).toBeLessThanOrEqual(8);
    expect(ghostAsks.at(-1)).toBe(WINDOW);
    expect(r.backend.calls.flatMap((c) => c.inputs)).not.toContain('ghost');
    // The genuine pair was not held up by the ghost.
    expect(r.backend.calls[0]).toMatchObject({
      inputs: ['host', 'guest'],
      at: T0 + PLATFORM_TIMING.readyDelayMs,
    });
    const ghost = (await readRoom(store, r.roomId))?.streams.find((s) => s.streamId === 'ghost');
    expect(ghost).toMatchObject({ verify: 'unlisted', unmixable: UNLISTED });
    expect(await r.verdicts()).toEqual({ listed: 2, unlisted: 1 });
  });

  test('a list that cannot be read: mixed unverified once the window ends', async () => {
    const r = setup({}, true);
    await r.push('host', 'main');
    await r.push('guest', 'guest');
    await r.runUntil(T0 + 60_000);
    expect(r.backend.calls.map((c) => [c.inputs, c.at - T0])).toEqual([[['host', 'guest'], WINDOW]]);
    expect((await readRoom(store, r.roomId))?.streams.map((s) => s.verify)).toEqual([
      'unchecked',
      'unchecked',
    ]);
  });
});
