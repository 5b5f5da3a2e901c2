import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { createLogger } from '../../src/log.js';
import { openQueue, startWorker } from '../../src/queue/bullmq.js';
import {
  type JobContext,
  type JobDefinition,
  type JobHandler,
  jobCatalog,
  type ReconcileJob,
} from '../../src/queue/catalog.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import { eventsHandler } from '../../workers/events.js';
import { useRedis } from '../support/redis.js';

/**
 * A job that runs again (a retry, or a run its dead worker left behind) is told so, and the events
 * handler then finishes what the first run may have left half done: asking for the room's reconcile.
 */

const { redis, namespace } = useRedis();
const prefix = `{${namespace}}`;
const log = createLogger('silent');
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close().catch(() => {});
});

const settings = {
  EVENTS_CONCURRENCY: 1,
  RECONCILE_CONCURRENCY: 1,
  MIX_RETRY_BASE_MS: 10,
  WORKER_LOCK_MS: 1000,
  WORKER_STALLED_CHECK_MS: 100,
  WEBHOOK_CONCURRENCY: 1,
};

/** A queue of its own, with the catalog's shape: two attempts, a 1 s lock checked every 100 ms. */
function testJob(): JobDefinition<{ n: number }> {
  return {
    queue: `rerun-${randomUUID()}`,
    schema: z.object({ n: z.number() }),
    job: () => ({ attempts: 2, keepCompleted: { count: 10 }, keepFailed: { count: 10 } }),
    worker: (s) => ({
      concurrency: 1,
      lockMs: s.WORKER_LOCK_MS,
      stalledCheckMs: s.WORKER_STALLED_CHECK_MS,
      maxStalls: 1,
    }),
  };
}

/** A worker of `definition`'s queue running `handler`, closed with force after the test. */
function work<P, S>(name: string, definition: JobDefinition<P, S>, handler: JobHandler<P>) {
  const worker = startWorker(name, definition, handler, { connection: redis, prefix, settings, log });
  worker.on('error', () => {});
  opened.push({ close: () => worker.close(true) });
  return worker;
}

describe('the job context', () => {
  test('a first run is no rerun; its retry after a failure is', async () => {
    const definition = testJob();
    const queue = openQueue(definition, { connection: redis, prefix });
    opened.push(queue);
    const seen: boolean[] = [];
    work('t', definition, async (_payload, context: JobContext) => {
      seen.push(context.rerun);
      if (seen.length === 1) throw new Error('first run fails');
      return 'ok';
    });
    await queue.add('t', { n: 1 }, { attempts: 2 });
    await vi.waitFor(() => expect(seen).toEqual([false, true]), { timeout: 5000 });
  });

  test('a job whose worker died holding it runs again elsewhere, told it is a rerun', async () => {
    const definition = testJob();
    const queue = openQueue(definition, { connection: redis, prefix });
    opened.push(queue);
    const seen: boolean[] = [];
    let hold = () => {};
    const held = new Promise<void>((resolve) => {
      hold = resolve;
    });
    // The first worker takes the job and never finishes it; closed with force, it leaves the lock to lapse.
    const dying = work('dying', definition, async (_payload, context: JobContext) => {
      seen.push(context.rerun);
      await held;
      return 'never';
    });
    await queue.add('t', { n: 1 });
    await vi.waitFor(() => expect(seen).toEqual([false]), { timeout: 5000 });
    await dying.close(true);
    work('next', definition, async (_payload, context: JobContext) => {
      seen.push(context.rerun);
      return 'done';
    });
    await vi.waitFor(() => expect(seen).toEqual([false, true]), { timeout: 10_000 });
    hold();
  });

  test('a reconcile whose process froze past its lock twice runs again, not failed outside its outcome', async () => {
    // The catalog's reconcile job, on a queue of its own.
    const definition = { ...jobCatalog.reconcile, queue: `reconcile-${randomUUID()}` };
    const queue = openQueue(definition, { connection: redis, prefix });
    opened.push(queue);
    const runs: boolean[] = [];
    let hold = () => {};
    const held = new Promise<void>((resolve) => {
      hold = resolve;
    });
    const frozen = async (_payload: ReconcileJob, context: JobContext) => {
      runs.push(context.rerun);
      await held;
      return 'never';
    };
    await queue.add('reconcile', { roomId: 'r1' }, { attempts: 3 });
    // Two runs in a row lose their lock (a worker gone without finishing is a frozen one to BullMQ).
    for (const [name, count] of [
      ['first', 1],
      ['second', 2],
    ] as const) {
      const worker = work(name, definition, frozen);
      await vi.waitFor(() => expect(runs).toHaveLength(count), { timeout: 10_000 });
      await worker.close(true);
    }
    work('third', definition, async (_payload: ReconcileJob, context: JobContext) => {
      runs.push(context.rerun);
      return 'done';
    });
    await vi.waitFor(() => expect(runs).toEqual([false, true, true]), { timeout: 10_000 });
    hold();
  });
});

describe('eventsHandler on a rerun', () => {
  const store = new RoomStore(redis, { namespace });
  const event = (streamId: string): LiveEvent => ({
    kind: 'push',
    streamId,
    sequence: '7',
    eventTimeMs: 1_700_000_000_000,
    receivedAt: 1_700_000_000_000,
    domain: 'push.example.com',
    appName: 'live',
    params: { mix_room: `room_${streamId}`, mix_role: 'guest' },
    width: 540,
    height: 960,
    errcode: 0,
  });
  const handler = (asked: string[]) =>
    eventsHandler({
      store,
      now: () => 1_700_000_000_000,
      requestReconcile: async (roomId) => void asked.push(roomId),
    });

  test('an event the dead run applied is a duplicate now, and its reconcile is asked for again', async () => {
    const asked: string[] = [];
    // The first run applied the event and died before asking for the reconcile.
    await handler([])(event('g1'), { rerun: false });
    expect(await handler(asked)(event('g1'), { rerun: true })).toMatchObject({ outcome: 'duplicate' });
    expect(asked).toEqual(['room_g1']);
  });

  test('a duplicate on a first run (another callback’s job did the work) asks for nothing', async () => {
    const asked: string[] = [];
    await handler([])(event('g2'), { rerun: false });
    expect(await handler(asked)(event('g2'), { rerun: false })).toMatchObject({ outcome: 'duplicate' });
    expect(asked).toEqual([]);
  });
});
