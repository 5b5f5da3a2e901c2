import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The Prometheus metrics of one process. Created per process (and per test) rather than as
 * module globals, so two apps in one test never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    callbacks: new Counter({
      name: 'mixkeeper_callbacks_total',
      help: 'Callbacks received, by outcome (enqueued, ignored, unmixable, bad_request, unauthorized, too_large, unavailable, rate_limited)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    observations: new Counter({
      name: 'mixkeeper_observations_total',
      help: 'Push/disconnect events applied to room state, by outcome (applied, duplicate, stale, unknown, no_room, bad_room)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    reconciles: new Counter({
      name: 'mixkeeper_reconciles_total',
      help: 'Room reconciles, by decision (noop, wait, start, cancel, failed, skipped)',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
    mixRequests: new Histogram({
      name: 'mixkeeper_mix_request_seconds',
      help: 'Mix API requests by operation and answer code (0 = success), with latency',
      labelNames: ['op', 'code'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    resync: new Counter({
      name: 'mixkeeper_resync_total',
      help: 'What the periodic resync did, by action (sweep, room, reconcile, expire, confirm, retry_failed, busy, error, redis_empty)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'mixkeeper_queue_jobs',
      help: 'Jobs per queue and state, read on scrape',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
