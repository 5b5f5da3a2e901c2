import { describe, expect, test } from 'vitest';
import type { RoomConfig } from '../../src/layout/index.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import { roomOfSession } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';
import { LEAVE_GRACE_MS, type RoomRun, roomHarness, SETTLE_AFTER_MS } from './room-harness.js';
import type { PushPlan, RoomEvent, RoomHistory, StreamPlan } from './room-history.js';

/**
 * Counterexamples the convergence properties found, kept as named cases: each is the shrunk
 * history and delivery order, replayed against the real room state and reconcile.
 */

const { redis, namespace } = useRedis();
const h = roomHarness(redis, namespace);
const T = 1_700_000_000;
const config: RoomConfig = { preset: 'pip', compact: false };

function stream(
  streamId: string,
  role: 'main' | 'guest',
  pushes: [string, number, PushPlan['end']][],
): StreamPlan {
  return {
    streamId,
    role,
    media: 'av',
    unmixable: false,
    pushes: pushes.map(([sequence, atS, end]) => ({ sequence, atS: T + atS, width: 540, height: 960, end })),
  };
}

function history(streams: StreamPlan[]): RoomHistory {
  return { config, streams, events: [] };
}

function event(s: StreamPlan, kind: RoomEvent['kind'], sequence: string, atS: number): RoomEvent {
  const push = s.pushes.find((p) => p.sequence === sequence)!;
  return {
    kind,
    streamId: s.streamId,
    sequence,
    eventTimeMs: (T + atS) * 1000,
    width: push.width,
    height: push.height,
    role: s.role,
    media: s.media,
    unmixable: false,
  };
}

async function deliverAll(run: RoomRun, events: RoomEvent[]) {
  for (const e of events) {
    h.clock.advance(100);
    await h.deliver(run, e);
  }
}

describe('room convergence: found cases', () => {
  test('a push delivered after its own disconnect ends the older push it had replaced', async () => {
    // host pushes 11, then 12 replaces it (the 21/102 disconnect of 11 is lost); 12 ends.
    // Tencent delivers 11, then 12's disconnect, then the retried push of 12.
    const host = stream('host', 'main', [
      ['11', 1, 'replaced-silently'],
      ['12', 2, 'disconnect'],
    ]);
    const guest = stream('guest', 'guest', [['21', 1, 'live']]);
    const run = await h.begin(history([host, guest]));
    await deliverAll(run, [
      event(host, 'push', '11', 1),
      event(guest, 'push', '21', 1),
      event(host, 'disconnect', '12', 2),
    ]);
    // The retried push of 12 changes the room: the host leaves.
    expect(await h.deliver(run, event(host, 'push', '12', 2))).toBe('applied');
    h.clock.advance(SETTLE_AFTER_MS);
    await h.settle(run);
    await h.expectConverged(run, { exact: true });
  });

  test('an older push delivered after the newer one came and went (nothing stored) stays out', async () => {
    const host = stream('host', 'main', [['31', 1, 'live']]);
    const guest = stream('guest', 'guest', [
      ['41', 1, 'replaced-silently'],
      ['42', 2, 'disconnect'],
    ]);
    const run = await h.begin(history([host, guest]));
    await deliverAll(run, [
      event(guest, 'disconnect', '42', 2),
      event(guest, 'push', '42', 2),
      event(host, 'push', '31', 1),
      event(guest, 'push', '41', 1),
    ]);
    h.clock.advance(SETTLE_AFTER_MS);
    await h.settle(run);
    await h.expectConverged(run, { exact: true });
  });

  test('an older push retried after the newer push left and was pruned stays out', async () => {
    const host = stream('host', 'main', [['51', 1, 'live']]);
    const guest = stream('guest', 'guest', [
      ['61', 1, 'replaced-silently'],
      ['62', 2, 'disconnect'],
    ]);
    const run = await h.begin(history([host, guest]));
    await deliverAll(run, [
      event(host, 'push', '51', 1),
      event(guest, 'push', '62', 2),
      event(guest, 'disconnect', '62', 2),
    ]);
    // The leave grace passes and a reconcile forgets the guest's record.
    h.clock.advance(LEAVE_GRACE_MS + PLATFORM_TIMING.readyDelayMs);
    await h.settle(run);
    expect((await readRoom(h.store, run.roomId))?.streams.map((s) => s.streamId)).toEqual(['host']);
    await deliverAll(run, [event(guest, 'push', '61', 1)]);
    h.clock.advance(SETTLE_AFTER_MS);
    await h.settle(run);
    await h.expectConverged(run, { exact: true });
  });
});

describe('room convergence: unknown outcomes', () => {
  test('a cancel that timed out is not taken for a mix still running', async () => {
    const host = stream('host', 'main', [['71', 1, 'live']]);
    const guest = stream('guest', 'guest', [
      ['81', 1, 'disconnect'],
      ['82', 30, 'live'],
    ]);
    const run = await h.begin(history([host, guest]));
    await deliverAll(run, [event(host, 'push', '71', 1), event(guest, 'push', '81', 1)]);
    h.clock.advance(SETTLE_AFTER_MS);
    await h.settle(run);
    // The guest leaves: the cancel reaches the platform, its answer does not.
    await deliverAll(run, [event(guest, 'disconnect', '81', 10)]);
    h.clock.advance(LEAVE_GRACE_MS + PLATFORM_TIMING.cancelMinAgeMs);
    h.backend.setOutcomes(() => 'timeout-applied');
    expect((await h.reconcile(run)).kind).toBe('retry');
    h.backend.setOutcomes(() => 'ok');
    // The guest is back before the retry: the same picture is wanted again.
    await deliverAll(run, [event(guest, 'push', '82', 30)]);
    h.clock.advance(SETTLE_AFTER_MS);
    await h.settle(run);
    await h.expectConverged(run, { exact: false });
    // The cancelled id is not started again (the platform's reuse rule): cancel it, start anew.
    const calls = h.backend.calls
      .filter((c) => roomOfSession(c.sessionId) === run.roomId)
      .map((c) => `${c.op} ${c.sessionId.slice(run.roomId.length)} ${c.outcome}`);
    expect(calls).toEqual(['start _1 ok', 'cancel _1 timeout-applied', 'cancel _1 ok', 'start _2 ok']);
  });
});
