import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { afterEach, expect, test, vi } from 'vitest';
import { releaseOnCancel } from '../../src/queue/release-on-cancel.js';
import { useRedis } from '../support/redis.js';

/** A job its worker cancels (shutdown past the deadline) goes back to the queue at once. */

const { redis, namespace } = useRedis();
const prefix = `{${namespace}}`;
const opened: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close().catch(() => {});
});

test('a cancelled job is back in the queue, no attempt spent, not run again by its closing worker', async () => {
  const name = `rel-${randomUUID()}`;
  const queue = new Queue(name, { connection: redis, prefix });
  opened.push(queue);
  let release = () => {};
  const slow = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = 0;
  const worker = new Worker(
    name,
    releaseOnCancel<{ slow: boolean }, string>(async (job) => {
      started += 1;
      if (job.data.slow) await slow;
      return 'done';
    }),
    { connection: redis, prefix, concurrency: 2 },
  );
  opened.push({ close: () => worker.close(true) });
  worker.on('error', () => {});
  const quick = await queue.add('quick', { slow: false }, { attempts: 3 });
  const held = await queue.add('held', { slow: true }, { attempts: 3 });

  await vi.waitFor(async () => expect(await quick.getState()).toBe('completed'), { timeout: 5000 });
  // Inside the processor, not just fetched: a job is cancellable once its processor runs.
  await vi.waitFor(() => expect(started).toBe(2), { timeout: 5000 });
  const closing = worker.close();
  worker.cancelAllJobs('shutdown');
  await closing;
  release();

  const after = await queue.getJob(held.id ?? '');
  expect(await after?.getState()).toBe('delayed');
  expect(after?.attemptsMade).toBe(0);
  expect(await queue.getActiveCount()).toBe(0);
  expect(started).toBe(2);
});
