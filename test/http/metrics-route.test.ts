import { type JobType, Queue } from 'bullmq';
import { Hono } from 'hono';
import { afterAll, describe, expect, test } from 'vitest';
import { QUEUE_DEPTH_MAX_AGE_MS, registerMetrics } from '../../src/http/metrics-route.js';
import { createMetrics } from '../../src/metrics.js';
import { useRedis } from '../support/redis.js';

/** `/metrics` is open on the callback port: scrapes must not turn into Redis load. */
describe('GET /metrics queue depths', () => {
  const { redis, namespace } = useRedis();
  const queue = new Queue('live-events', { connection: redis, prefix: `{${namespace}}` });
  afterAll(() => queue.close());
  let reads = 0;
  const counted = new Proxy(queue, {
    get(target, name, receiver) {
      if (name === 'getJobCounts') {
        return (...states: JobType[]) => {
          reads += 1;
          return target.getJobCounts(...states);
        };
      }
      return Reflect.get(target, name, receiver);
    },
  });
  const clock = { now: 1_000_000 };
  const app = new Hono();
  registerMetrics(app, createMetrics(), [counted], () => clock.now);
  const depth = async () => {
    const text = await (await app.request('/metrics')).text();
    return Number(/mixkeeper_queue_jobs\{queue="live-events",state="waiting"\} (\d+)/.exec(text)?.[1]);
  };

  test('a burst of scrapes reads Redis once; a scrape after the max age reads it again', async () => {
    await queue.add('a', {});
    const answers = await Promise.all(Array.from({ length: 50 }, depth));
    expect(reads).toBe(1);
    expect(new Set(answers)).toEqual(new Set([1]));

    await queue.add('b', {});
    clock.now += QUEUE_DEPTH_MAX_AGE_MS - 1;
    expect(await depth()).toBe(1);
    expect(reads).toBe(1);
    clock.now += 1;
    expect(await depth()).toBe(2);
    expect(reads).toBe(2);
  });
});
