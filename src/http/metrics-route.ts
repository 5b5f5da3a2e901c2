import type { Queue } from 'bullmq';
import type { Hono } from 'hono';
import type { Metrics } from '../metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** `GET /metrics`: Prometheus text, with queue depths read at scrape time. */
export function registerMetrics(app: Hono, metrics: Metrics, queues: Queue[]): void {
  app.get('/metrics', async (c) => {
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
    return c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
  });
}
