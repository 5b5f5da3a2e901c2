import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import type { Metrics } from '../metrics.js';
import type { RedisClient } from '../queue/connections.js';
import { registerHealth } from './health.js';
import { registerMetrics } from './metrics-route.js';

export interface OpsAppDeps {
  redis: RedisClient;
  metrics: Metrics;
  /** Queues whose depths /metrics reports; a worker leaves this to the API processes. */
  queues: Queue[];
  isAccepting: () => boolean;
}

/**
 * The HTTP surface of a worker-only process: /healthz and /readyz for the orchestrator's probes,
 * /metrics for the reconcile and mix-request metrics that only workers record. Nothing else.
 */
export function createOpsApp(deps: OpsAppDeps): Hono {
  const app = new Hono();
  registerHealth(app, { redis: deps.redis, isAccepting: deps.isAccepting });
  registerMetrics(app, deps.metrics, deps.queues);
  return app;
}
