import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import type { CallOutcome } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';
import { budget, PROPERTY_TIMEOUT_MS } from './property-budget.js';
import { type RoomRun, roomHarness, SETTLE_AFTER_MS } from './room-harness.js';
import { deliveriesArb, describeHistory, type RoomEvent, roomHistoryArb } from './room-history.js';

/**
 * Level-triggered reconciliation, checked against a model: whatever order and however often the
 * callbacks of a room arrive, once they are all applied and the room is reconciled, the platform
 * runs `layout(truth)`, where truth is the set of streams whose latest push has no disconnect.
 * Real Redis and the real Lua scripts; the mix API is an in-memory double; time is a manual clock.
 */

const { redis, namespace } = useRedis();
const h = roomHarness(redis, namespace);

const historyAndDeliveries = roomHistoryArb().chain((history) =>
  fc.tuple(fc.constant(history), deliveriesArb(history)),
);

describe('room convergence (model)', () => {
  test.prop([historyAndDeliveries], budget(300))(
    'duplicated and permuted callbacks, then a reconcile: the platform runs layout(truth)',
    async ([history, deliveries]) => {
      const run = await h.begin(history);
      for (const { event, gapMs } of deliveries) {
        h.clock.advance(gapMs);
        await h.deliver(run, event);
      }
      h.clock.advance(SETTLE_AFTER_MS);
      await h.settle(run);
      await h.expectConverged(run, { exact: true });
      // Converged means stable: one more reconcile sends nothing.
      const calls = h.backend.calls.length;
      await h.settle(run);
      expect(h.backend.calls.length).toBe(calls);
    },
    PROPERTY_TIMEOUT_MS,
  );

  test.prop([roomHistoryArb(), fc.commands(commandArbs(), { maxCommands: 80 })], budget(200))(
    'reconciles, clock ticks and mix API failures between the callbacks: still layout(truth) in the end',
    async (history, commands) => {
      const run = await h.begin(history);
      const model: Model = { pending: [...history.events], delivered: [] };
      await fc.asyncModelRun(() => ({ model, real: run }), commands);
      // Whatever the commands left undelivered arrives now; then the platform behaves.
      for (const event of model.pending) await h.deliver(run, event);
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

interface Model {
  /** Events not delivered yet (each is delivered at least once). */
  pending: RoomEvent[];
  delivered: RoomEvent[];
}
type Command = fc.AsyncCommand<Model, RoomRun>;

class Deliver implements Command {
  constructor(
    readonly pick: number,
    readonly gapMs: number,
  ) {}
  check = (m: Readonly<Model>) => m.pending.length > 0;
  async run(m: Model, run: RoomRun) {
    const [event] = m.pending.splice(this.pick % m.pending.length, 1);
    h.clock.advance(this.gapMs);
    await h.deliver(run, event!);
    m.delivered.push(event!);
  }
  toString = () => `deliver(#${this.pick}, +${this.gapMs}ms)`;
}

class Redeliver implements Command {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.delivered.length > 0;
  async run(m: Model, run: RoomRun) {
    await h.deliver(run, m.delivered[this.pick % m.delivered.length]!);
  }
  toString = () => `redeliver(#${this.pick})`;
}

class Reconcile implements Command {
  constructor(readonly outcome: CallOutcome) {}
  check = () => true;
  async run(_m: Model, run: RoomRun) {
    h.backend.setOutcomes(() => this.outcome);
    await h.reconcile(run);
  }
  toString = () => `reconcile(${this.outcome})`;
}

class Tick implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run() {
    h.clock.advance(this.ms);
  }
  toString = () => `tick(${this.ms}ms)`;
}

function commandArbs(): fc.Arbitrary<Command>[] {
  return [
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2000 })).map(([pick, gap]) => new Deliver(pick, gap)),
    fc.nat().map((pick) => new Redeliver(pick)),
    fc
      .constantFrom<CallOutcome>('ok', 'ok', 'ok', 'transient', 'timeout-applied', 'timeout-lost')
      .map((outcome) => new Reconcile(outcome)),
    fc.integer({ min: 100, max: 40_000 }).map((ms) => new Tick(ms)),
  ];
}
