import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { coreLoopSuite } from '../e2e/core-loop.suite.js';
import { logEntries, type ProcessStack, startProcessStack } from '../support/process-stack.js';

/**
 * The deployed shape: 2 `mixkeeper api` and 3 `mixkeeper worker` processes (and `mixkeeper sim`)
 * on one Redis, callbacks spread over the APIs by a round-robin balancer. The core loop must give
 * the same outcomes as in one process, and no room may be reconciled by two workers at once.
 */

let stack: ProcessStack;

beforeAll(async () => {
  stack = await startProcessStack({ apis: 2, workers: 3 });
}, 90_000);
afterAll(async () => {
  await stack?.shutdown();
});

describe('core loop with 2 api and 3 worker processes', () => {
  coreLoopSuite(async () => {
    await stack.reset();
    // Shared by every test of the file: closed once, in afterAll.
    return { ...stack, close: async () => {} };
  });
});

describe('many rooms at once', () => {
  test('every room converges, work spreads over processes, and no room is reconciled twice at once', async () => {
    await stack.reset();
    const skippedBefore = await skippedReconciles(stack);
    // Slow answers widen each reconcile, so two workers on one room would overlap.
    await stack.faults({ seed: 3, latencyMs: 30 });
    const rooms = Array.from({ length: 8 }, (_, i) => `many${i}_${process.pid}`);
    const guests = ['g1', 'g2', 'g3'];
    await Promise.all(
      rooms.map(async (room) => {
        await stack.push(`${room}_host`, { mix_room: room, mix_role: 'main' });
        await Promise.all(guests.map((g) => stack.push(`${room}_${g}`, { mix_room: room })));
      }),
    );
    await stack.until(async () => {
      for (const room of rooms) expect((await stack.room(room))?.status).toBe('mixing');
      const starts = await stack.starts();
      for (const room of rooms) {
        const last = starts.filter((s) => s.outputStreamId === `${room}_host`).at(-1);
        expect(last?.body.interface.para.input_stream_list).toHaveLength(4);
        // answered, not only sent: a room's status can read "mixing" from the previous start while
        // the one adding the last guest is still on the wire (30 ms of latency here)
        expect(last?.code).toBe(0);
      }
    }, 20_000);

    expect(await stack.violations()).toEqual([]);
    const starts = await stack.starts();
    for (const room of rooms) {
      const own = starts.filter((s) => s.outputStreamId === `${room}_host`);
      // One session per room; every start accepted and each one adding guests: a second worker
      // running the same reconcile would repeat a start with the same inputs.
      expect(new Set(own.map((s) => s.sessionId)).size).toBe(1);
      expect(own.map((s) => s.code)).toEqual(own.map(() => 0));
      const sizes = own.map((s) => s.body.interface.para.input_stream_list?.length ?? 0);
      expect(sizes).toEqual([...new Set(sizes)].sort((a, b) => a - b));
      expect(sizes.at(-1)).toBe(4);
    }

    // Reconciles ran in more than one worker, and none was skipped: a reconcile that finds its
    // room's lease held by another worker counts as skipped (no room failed here, the other cause).
    const reconciled = stack.workers.map((worker) => logEntries(worker, 'reconciled'));
    expect(reconciled.filter((entries) => entries.length > 0).length).toBeGreaterThan(1);
    expect(await skippedReconciles(stack)).toBe(skippedBefore);

    // Both APIs took callbacks through the balancer.
    for (const api of stack.apis) {
      const text = await (await fetch(`${api.url}/metrics`)).text();
      const enqueued = /mixkeeper_callbacks_total\{outcome="enqueued"\} (\d+)/.exec(text)?.[1];
      expect(Number(enqueued ?? 0)).toBeGreaterThan(0);
    }
  }, 30_000);
});

/** `mixkeeper_reconciles_total{decision="skipped"}` summed over the worker processes. */
async function skippedReconciles(stack: ProcessStack): Promise<number> {
  let total = 0;
  for (const worker of stack.workers) {
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    total += Number(/mixkeeper_reconciles_total\{decision="skipped"\} (\d+)/.exec(text)?.[1] ?? 0);
  }
  return total;
}

describe('shutdown', () => {
  test('SIGTERM stops every process cleanly, within the deadline', async () => {
    const started = Date.now();
    const codes = await stack.shutdown();
    expect([...codes.values()]).toEqual(Array(codes.size).fill(0));
    expect(Date.now() - started).toBeLessThan(Number(stack.env.SHUTDOWN_DEADLINE_MS) + 5000);
  });
});
