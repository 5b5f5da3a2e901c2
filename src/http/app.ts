import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { LiveEventJob } from '../queue/jobs.js';
import type { RoomStore } from '../rooms/room-store.js';
import { adminAuth } from './admin-auth.js';
import { registerCallbacks } from './callbacks.js';
import { registerHealth } from './health.js';
import { registerMetrics } from './metrics-route.js';
import { problem } from './problem.js';
import { registerRooms } from './rooms.js';

export interface AppDeps {
  callbackKey: string;
  adminToken: string | undefined;
  redis: Redis;
  eventsQueue: Queue<LiveEventJob>;
  queues: Queue[];
  store: RoomStore;
  metrics: Metrics;
  log: Logger;
  leaveGraceMs: number;
  now?: () => number;
  isAccepting?: () => boolean;
}

/** The HTTP surface. Never listens itself: `serve()` is the caller's, tests use `app.request()`. */
export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? Date.now;
  const app = new Hono();
  app.use(requestId(), secureHeaders());
  app.onError((error, c) => {
    deps.log.error({ err: error, path: c.req.path }, 'request failed');
    return problem(c, 'internal', 'internal error');
  });
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  registerHealth(app, { redis: deps.redis, isAccepting: deps.isAccepting ?? (() => true) });
  registerMetrics(app, deps.metrics, deps.queues);
  registerCallbacks(app, {
    callbackKey: deps.callbackKey,
    eventsQueue: deps.eventsQueue,
    now,
    metrics: deps.metrics,
  });

  app.use('/v1/*', adminAuth(deps.adminToken));
  registerRooms(app, { store: deps.store, now, leaveGraceMs: deps.leaveGraceMs });
  return app;
}
