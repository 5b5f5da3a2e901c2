import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { layout, type MixPlan, type RoomConfig, type SnapshotStream } from '../../src/layout/index.js';
import { samePlan } from '../../src/reconcile/decide.js';
import {
  type ReconcileDeps,
  type ReconcileResult,
  reconcileRoom,
} from '../../src/reconcile/reconcile-room.js';
import { readAudit } from '../../src/rooms/audit.js';
import { applyObservation, type ObservationOutcome } from '../../src/rooms/observations.js';
import { setConfig } from '../../src/rooms/operator-changes.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { LIMITS } from '../../src/tencent/limits.js';
import { type ManualClock, manualClock } from '../support/manual-clock.js';
import { PLATFORM_TIMING } from '../support/platform-timing.js';
import {
  type RecordingMixBackend,
  recordingMixBackend,
  roomOfSession,
} from '../support/recording-mix-backend.js';
import { eventKey, observationOf, type RoomEvent, type RoomHistory, truthStreams } from './room-history.js';

/**
 * The real room state (RoomStore on real Redis) and the real reconcile use-case, driven by hand:
 * callbacks are applied as the events worker applies them, reconciles run when the test says, the
 * mix API is an in-memory double and time is a manual clock.
 */

export const LEAVE_GRACE_MS = 3000;
/** Past every timing rule at once. */
export const SETTLE_AFTER_MS = Math.max(PLATFORM_TIMING.readyDelayMs, LEAVE_GRACE_MS) + 1;

export interface RoomRun {
  roomId: string;
  history: RoomHistory;
  /** `receivedAt` of the first delivery of each event, in the order deliveries reached Redis. */
  firstReceivedAt: Map<string, number>;
}

export interface RoomHarness {
  store: RoomStore;
  backend: RecordingMixBackend;
  clock: ManualClock;
  deps: ReconcileDeps;
  /** A fresh room for one run, with the history's operator config stored. */
  begin(history: RoomHistory): Promise<RoomRun>;
  /** Applies one callback delivery at the clock's current time. */
  deliver(run: RoomRun, event: RoomEvent): Promise<ObservationOutcome>;
  /** One reconcile, as one run of the room's reconcile job. */
  reconcile(run: RoomRun): Promise<ReconcileResult>;
  /** Reconciles until the room has nothing left to do, moving the clock through every wait. */
  settle(run: RoomRun): Promise<ReconcileResult[]>;
  /** What the layout engine makes of the truth (with slots remembered from `slotsFrom`). */
  expectedPlan(run: RoomRun, slotsFrom?: MixPlan | null): MixPlan | null;
  /**
   * The room converged: its applied mix has exactly the truth's inputs and is the layout of the
   * truth (exactly, or — when slots are sticky — with the slots it holds), nothing is uncertain,
   * and the platform runs that plan in one session and nothing else for the room.
   */
  expectConverged(run: RoomRun, options: { exact: boolean }): Promise<void>;
}

let rooms = 0;

export function roomHarness(redis: Redis, namespace: string): RoomHarness {
  const store = new RoomStore(redis, { namespace });
  const clock = manualClock(1_700_000_000_000);
  const backend = recordingMixBackend(clock.now);
  const deps: ReconcileDeps = {
    store,
    backend,
    now: clock.now,
    timing: PLATFORM_TIMING,
    leaveGraceMs: LEAVE_GRACE_MS,
    leaseMs: 60_000,
  };
  const attempt = { number: 1, max: 8 };

  const harness: RoomHarness = {
    store,
    backend,
    clock,
    deps,
    async begin(history) {
      rooms += 1;
      const roomId = `r${process.pid}x${rooms}`;
      await setConfig(store, roomId, history.config, clock.now());
      return { roomId, history, firstReceivedAt: new Map() };
    },
    deliver(run, event) {
      const receivedAt = clock.now();
      const key = eventKey(event);
      // Recorded before the Redis call: calls on one connection reach Redis in call order.
      if (!run.firstReceivedAt.has(key)) run.firstReceivedAt.set(key, receivedAt);
      return applyObservation(store, observationOf(run.roomId, event, receivedAt), receivedAt).then(
        (r) => r.outcome,
      );
    },
    reconcile: (run) => reconcileRoom(run.roomId, attempt, deps),
    async settle(run) {
      const results: ReconcileResult[] = [];
      for (let round = 0; round < 20; round++) {
        const result = await harness.reconcile(run);
        results.push(result);
        if (result.kind === 'done') return results;
        if (result.kind === 'wait' || result.kind === 'busy') clock.advanceTo(result.until);
      }
      throw new Error(`room ${run.roomId} did not settle: ${results.map(describeResult).join(' | ')}`);
    },
    expectedPlan(run, slotsFrom) {
      const slots = new Map<string, number>();
      for (const tile of slotsFrom?.inputs ?? [])
        if (tile.slot !== undefined) slots.set(tile.streamId, tile.slot);
      const streams: SnapshotStream[] = truthStreams(run.history, run.firstReceivedAt).map((s) => {
        const slot = slots.get(s.streamId);
        return slot === undefined ? s : { ...s, slot };
      });
      const config: RoomConfig = run.history.config;
      return layout({ roomId: run.roomId, config, streams }, LIMITS.legacy);
    },
    async expectConverged(run, options) {
      try {
        await expectConverged(run, options);
      } catch (error) {
        const calls = backend.calls
          .filter((c) => roomOfSession(c.sessionId) === run.roomId)
          .map((c) => `${c.op} ${c.sessionId} [${c.inputs.join(',')}] ${c.outcome}`);
        const audit = (await readAudit(store, run.roomId, 100)).reverse().map((e) => JSON.stringify(e));
        throw new Error(
          `${String(error)}\nmix calls:\n  ${calls.join('\n  ')}\naudit:\n  ${audit.join('\n  ')}`,
        );
      }
    },
  };

  async function expectConverged(run: RoomRun, { exact }: { exact: boolean }) {
    const state = await readRoom(store, run.roomId);
    const applied = state?.applied ?? null;
    const plan = applied?.plan ?? null;
    const expected = harness.expectedPlan(run);
    expect(inputIds(plan), 'the applied mix has the truth’s inputs').toEqual(inputIds(expected));
    expect(
      plan,
      exact ? 'the applied mix is layout(truth)' : 'the applied mix is layout(truth) with its own slots',
    ).toEqual(exact ? expected : harness.expectedPlan(run, plan));
    expect(applied?.uncertain ?? false, 'nothing is left uncertain').toBe(false);
    const running = [...backend.running].filter(([sessionId]) => roomOfSession(sessionId) === run.roomId);
    expect(
      running.map(([id]) => id),
      'the platform runs exactly the applied session (none when there is nothing to mix)',
    ).toEqual(expected ? [applied?.sessionId] : []);
    // The applied plan was proven right above (sticky slots included); the platform must run it.
    expect(
      running.filter(([, spec]) => !plan || !samePlan(spec, plan)).map(([id]) => id),
      'the platform runs the applied plan',
    ).toEqual([]);
    expect(reusedSessions(run.roomId), 'no cancelled session id started again too soon').toEqual([]);
  }

  /**
   * Starts of a session id within the reuse window after a cancel of it that may have taken effect
   * (answered ok, or not answered at all); a cancel refused with a transient error did nothing.
   */
  function reusedSessions(roomId: string): string[] {
    const calls = backend.calls.filter((c) => roomOfSession(c.sessionId) === roomId);
    return calls
      .filter(
        (start, i) =>
          start.op === 'start' &&
          calls
            .slice(0, i)
            .some(
              (c) =>
                c.op === 'cancel' &&
                c.outcome !== 'transient' &&
                c.sessionId === start.sessionId &&
                start.at < c.at + PLATFORM_TIMING.sessionReuseMs,
            ),
      )
      .map((c) => `${c.sessionId} at ${c.at}`);
  }
  return harness;
}

function inputIds(plan: MixPlan | null): string[] {
  return (plan?.inputs ?? []).map((tile) => tile.streamId).sort();
}

function describeResult(result: ReconcileResult): string {
  switch (result.kind) {
    case 'done':
      return `done: ${result.summary}`;
    case 'wait':
      return `wait until ${result.until}: ${result.summary}`;
    case 'rerun':
      return `rerun: ${result.summary}`;
    case 'busy':
      return `busy until ${result.until}: ${result.summary}`;
    case 'retry':
      return `retry: ${result.error.code}`;
  }
}
