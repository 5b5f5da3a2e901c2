import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pushEvent } from '../../test/support/live-event.js';
import { type LocalRedis, startLocalRedis } from '../commands/local-redis.js';
import type { LiveEvent } from '../tencent/callback.js';
import { createCallbackBatcher } from './callback-batcher.js';
import { liveEventJobId, QUEUE_PREFIX, QUEUES } from './catalog.js';
import { producerConnection, waitUntilConnected } from './connections.js';

/**
 * Group commit on a private redis-server (its command counts are this file's alone): callbacks
 * that arrive together are stored in one call, each promise settles only once its job is in
 * Redis, and a group that cannot be stored rejects every callback in it.
 */

let server: LocalRedis;
let redis: Redis;
let queue: Queue<LiveEvent>;

beforeAll(async () => {
  server = await startLocalRedis();
  // The receiver's own kind of connection: fails fast, no offline queue.
  redis = producerConnection(server.url);
  redis.on('error', () => {});
  await waitUntilConnected(redis);
  queue = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: redis, prefix: QUEUE_PREFIX });
  queue.on('error', () => {});
});
afterAll(async () => {
  await queue.close().catch(() => {});
  redis.disconnect();
  await server.stop();
});

let streams = 0;
const event = (streamId = `host_${++streams}`): LiveEvent => pushEvent(streamId);

const stored = async (e: LiveEvent) => (await queue.getJob(liveEventJobId(e)))?.data;

/** Script calls Redis ran so far (EVALSHA, and EVAL when it first had to load the script). */
async function scriptCalls(): Promise<number> {
  const stats = await redis.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls('evalsha') + calls('eval');
}

describe('createCallbackBatcher', () => {
  test('callbacks that arrive together are stored in one call; each settles with its job in Redis', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 0 });
    const events = Array.from({ length: 20 }, () => event());
    const before = await scriptCalls();
    await Promise.all(
      events.map((e) =>
        batcher.enqueue(e).then(async () => {
          // Settled: its job must be there now, not later.
          expect(await stored(e)).toEqual(e);
        }),
      ),
    );
    expect((await scriptCalls()) - before).toBe(1);
  });

  test('the first callback waits the window for others, and is not stored before it ends', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 2000 });
    const first = event();
    const second = event();
    const before = await scriptCalls();
    const settled = batcher.enqueue(first);
    await new Promise((resolve) => setImmediate(resolve));
    const during = batcher.enqueue(second);
    // A timer never fires early: one Redis round trip later, nothing can have been written yet.
    expect(await stored(first)).toBeUndefined();
    await Promise.all([settled, during]);
    expect(await stored(first)).toEqual(first);
    expect(await stored(second)).toEqual(second);
    expect((await scriptCalls()) - before).toBe(1);
  });

  test('while the calls allowed are in flight, newcomers gather into one next call', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 0, maxInFlight: 1 });
    const first = event();
    const later = Array.from({ length: 10 }, () => event());
    const before = await scriptCalls();
    const settled = [batcher.enqueue(first)];
    // The first call is written at the end of this turn; its reply cannot arrive before ours ends.
    await new Promise((resolve) => setImmediate(resolve));
    settled.push(...later.map((e) => batcher.enqueue(e)));
    await Promise.all(settled);
    expect((await scriptCalls()) - before).toBe(2);
    for (const e of [first, ...later]) expect(await stored(e)).toEqual(e);
  });

  test('a full group is written at once, without waiting for the window', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 60_000, maxBatch: 3 });
    const events = [event(), event(), event()];
    // Would take a minute if the window were waited for (the test's timeout is 20 s).
    await Promise.all(events.map((e) => batcher.enqueue(e)));
    for (const e of events) expect(await stored(e)).toEqual(e);
  });

  test('a retry, even in the same group, settles like the first and stores no second job', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 0 });
    const e = event();
    const waitingBefore = await queue.getWaitingCount();
    await Promise.all([batcher.enqueue(e), batcher.enqueue({ ...e, receivedAt: e.receivedAt + 5 })]);
    await batcher.enqueue(e);
    expect(await queue.getWaitingCount()).toBe(waitingBefore + 1);
    expect(await stored(e)).toEqual(e);
  });

  test('a group Redis refuses rejects every callback in it; the next group is stored', async () => {
    const batcher = createCallbackBatcher(queue, { windowMs: 0 });
    const refused = [event(), event(), event()];
    // No memory for writes: Redis refuses the script (noeviction), as it would when full.
    await redis.config('SET', 'maxmemory', '1');
    let outcomes: PromiseSettledResult<void>[];
    try {
      outcomes = await Promise.allSettled(refused.map((e) => batcher.enqueue(e)));
    } finally {
      await redis.config('SET', 'maxmemory', '0');
    }
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const e of refused) expect(await stored(e)).toBeUndefined();

    const next = event();
    await batcher.enqueue(next);
    expect(await stored(next)).toEqual(next);
  });

  test('with Redis gone, callbacks are refused at once rather than held', async () => {
    const other = await startLocalRedis();
    const producer = producerConnection(other.url);
    producer.on('error', () => {});
    await waitUntilConnected(producer);
    const doomed = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: producer, prefix: QUEUE_PREFIX });
    doomed.on('error', () => {});
    try {
      const batcher = createCallbackBatcher(doomed, { windowMs: 0 });
      await other.kill();
      const outcomes = await Promise.allSettled([batcher.enqueue(event()), batcher.enqueue(event())]);
      expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    } finally {
      await doomed.close().catch(() => {});
      producer.disconnect();
      await other.stop();
    }
  });
});
