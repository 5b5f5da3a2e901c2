import { Queue } from 'bullmq';
import type { Hono } from 'hono';
import type { Redis } from 'ioredis';
import type { CallbackGuard, CallbackPolicy } from '../../src/config.js';
import { createApp } from '../../src/http/app.js';
import type { Logger } from '../../src/log.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { QUEUES } from '../../src/queue/catalog.js';
import type { LiveEvent } from '../../src/tencent/callback.js';

/**
 * The real HTTP app (createApp) in front of a real BullMQ `live-events` queue in the test's own
 * namespace: what the receiver does with a request is what production does, minus the socket.
 */
export interface ReceiverApp {
  app: Hono;
  eventsQueue: Queue<LiveEvent>;
  metrics: Metrics;
  /** Jobs the receiver stored: every state BullMQ counts, and the job hashes themselves. */
  jobs(): Promise<{ counted: number; hashes: number }>;
  close(): Promise<void>;
}

export interface ReceiverAppOptions {
  redis: Redis;
  namespace: string;
  callbackKey: string;
  log: Logger;
  now: () => number;
  callbackGuard?: CallbackGuard;
  callbackPolicy?: CallbackPolicy;
}

export function receiverApp(options: ReceiverAppOptions): ReceiverApp {
  const { redis, namespace } = options;
  const prefix = `{${namespace}}`;
  const eventsQueue = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: redis, prefix });
  const metrics = createMetrics();
  const app = createApp({
    callbackKey: options.callbackKey,
    redis,
    eventsQueue,
    queues: [eventsQueue],
    metrics,
    log: options.log,
    now: options.now,
    ...(options.callbackGuard ? { callbackGuard: options.callbackGuard } : {}),
    ...(options.callbackPolicy ? { callbackPolicy: options.callbackPolicy } : {}),
  });
  return {
    app,
    eventsQueue,
    metrics,
    async jobs() {
      const counts = await eventsQueue.getJobCounts();
      const counted = Object.values(counts).reduce((sum, n) => sum + n, 0);
      let hashes = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${prefix}:${QUEUES.liveEvents}:ev-*`,
          'COUNT',
          1000,
        );
        cursor = next;
        hashes += keys.length;
      } while (cursor !== '0');
      return { counted, hashes };
    },
    close: () => eventsQueue.close(),
  };
}
