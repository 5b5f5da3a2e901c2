import type { Hono } from 'hono';
import type { RedisClient } from '../queue/connections.js';

export interface HealthDeps {
  redis: RedisClient;
  /** false once shutdown began: load balancers stop sending traffic before the server closes. */
  isAccepting: () => boolean;
}

/** `/healthz`: the process runs. `/readyz`: it can take callbacks now (Redis answers, not draining). */
export function registerHealth(app: Hono, deps: HealthDeps): void {
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    if (!deps.isAccepting()) return c.json({ status: 'draining' }, 503);
    try {
      await Promise.race([
        deps.redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1000).unref()),
      ]);
      return c.json({ status: 'ready' });
    } catch {
      return c.json({ status: 'redis unavailable' }, 503);
    }
  });
}
