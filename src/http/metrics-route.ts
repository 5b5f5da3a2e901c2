import type { Queue } from 'bullmq';
import type { Hono } from 'hono';
import type { Metrics } from '../metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Scrapes within this long of a depth read reuse it. */
export const QUEUE_DEPTH_MAX_AGE_MS = 2000;

/**
 * `GET /metrics`: Prometheus text, with queue depths read at scrape time. The route is open and
 * shares the port (and the Redis connection) with the callbacks, so the depths are read at most
 * once per QUEUE_DEPTH_MAX_AGE_MS, however often it is asked: a flood of scrapes cannot spend the
 * Redis capacity that callbacks need.
 */
export function registerMetrics(
  app: Hono,
  metrics: Metrics,
  queues: Queue[],
  now: () => number = Date.now,
): void {
  let reading: Promise<void> | undefined;
  let readAt = -Infinity;
  const readDepths = async () => {
    await Promise.all(
      queues.map(async (queue) => {
        try {
          const counts = await queue.getJobCounts(...STATES);
          for (const state of STATES)
            metrics.queueDepth.set({ queue: queue.name, state }, counts[state] ?? 0);
        } catch {
          // Redis away: the last known depths stay; /readyz reports the outage.
        }
      }),
    );
  };
  app.get('/metrics', async (c) => {
    if (!reading && now() - readAt >= QUEUE_DEPTH_MAX_AGE_MS) {
      readAt = now();
      reading = readDepths().finally(() => {
        reading = undefined;
      });
    }
    await reading;
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
}
