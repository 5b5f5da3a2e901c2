import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect } from 'vitest';
import type { ReconcileResult } from '../../src/reconcile/reconcile-room.js';
import type { CallOutcome } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';
import { budget, PROPERTY_TIMEOUT_MS } from './property-budget.js';
import { roomHarness, SETTLE_AFTER_MS } from './room-harness.js';
import { deliveriesArb, describeHistory, eventKey, roomHistoryArb } from './room-history.js';

/**
 * The same convergence with concurrency: callbacks are applied while reconciles run, several
 * reconciles of the room are started at once (a stalled job's double run, two workers), and
 * `fc.scheduler` decides when each callback is applied, each reconcile starts and each mix API
 * answer arrives. The lease must keep the room to one request in flight; after a final reconcile
 * the platform runs layout(truth).
 */

const { redis, namespace } = useRedis();
const h = roomHarness(redis, namespace);

const scenario = roomHistoryArb(12).chain((history) =>
  fc.record({
    history: fc.constant(history),
    deliveries: deliveriesArb(history),
    /** Reconciles started over the run; some come in pairs, as a stalled job's double run. */
    reconciles: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 2, maxLength: 8 }),
    outcomes: fc.array(
      fc.constantFrom<CallOutcome>('ok', 'ok', 'ok', 'transient', 'timeout-applied', 'timeout-lost'),
      { minLength: 1, maxLength: 8 },
    ),
  }),
);

afterEach(() => {
  h.backend.setGate(undefined);
  h.backend.setOutcomes(() => 'ok');
});

describe('room convergence under interleaving (fc.scheduler)', () => {
  test.prop([scenario, fc.scheduler()], budget(120))(
    'callbacks during in-flight reconciles: one request in flight per room, then layout(truth)',
    async ({ history, deliveries, reconciles, outcomes }, s) => {
      const run = await h.begin(history);
      let call = 0;
      h.backend.setOutcomes(() => outcomes[call++ % outcomes.length] ?? 'ok');
      // Work that is running (not parked at the mix API's gate): the driver releases the next
      // scheduled step only once it is 0, so each interleaving is exactly the one fast-check chose.
      let busy = 0;
      const track = async <T>(work: () => Promise<T>): Promise<T> => {
        busy += 1;
        try {
          return await work();
        } finally {
          busy -= 1;
        }
      };
      h.backend.setGate(async (label) => {
        busy -= 1;
        try {
          await s.schedule(Promise.resolve(), label);
        } finally {
          busy += 1;
        }
      });

      const applied = deliveries.map(({ event, gapMs }) =>
        s.schedule(Promise.resolve(), `deliver ${eventKey(event)}`).then(() =>
          track(() => {
            h.clock.advance(gapMs);
            return h.deliver(run, event);
          }),
        ),
      );
      const reconciled = reconciles.flatMap((copies, i) =>
        Array.from({ length: copies }, (_, copy) =>
          s
            .schedule(Promise.resolve(), `reconcile #${i}.${copy}`)
            .then(() => track((): Promise<ReconcileResult> => h.reconcile(run))),
        ),
      );
      await driveToEnd(s, Promise.all([...applied, ...reconciled]), () => busy);

      expect(
        h.backend.maxInFlight(run.roomId),
        'requests in flight at once for the room',
      ).toBeLessThanOrEqual(1);
      h.backend.setGate(undefined);
      h.backend.setOutcomes(() => 'ok');
      h.clock.advance(SETTLE_AFTER_MS);
      try {
        await h.settle(run);
        await h.expectConverged(run, { exact: history.config.compact === true });
      } catch (error) {
        throw new Error(`${describeHistory(history)}\n${String(error)}`);
      }
    },
    PROPERTY_TIMEOUT_MS,
  );
});

/** Releases one scheduled step at a time, each once everything it set off has settled. */
async function driveToEnd(s: fc.Scheduler, all: Promise<unknown>, busy: () => number): Promise<void> {
  let finished = false;
  const outcome = all.finally(() => {
    finished = true;
  });
  for (;;) {
    // A macrotask turn lets a released step start (and count itself busy) before we look.
    do await new Promise((resolve) => setImmediate(resolve));
    while (busy() > 0);
    if (finished || s.count() === 0) break;
    await s.waitNext(1);
  }
  await outcome;
}
