import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import {
  type CallbackGuard,
  type CallbackPolicy,
  callbackGuardSchema,
  callbackPolicySchema,
} from '../config.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { RedisClient } from '../queue/connections.js';
import type { LiveEvent } from '../tencent/callback.js';
import { type AdminDeps, createAdminApp } from './admin-app.js';
import { createBadSignLimiter } from './bad-sign-limiter.js';
import { callbackRules } from './callback-policy.js';
import { registerCallbacks } from './callbacks.js';
import { isClientAbort } from './client-abort.js';
import { registerHealth } from './health.js';
import { registerMetrics } from './metrics-route.js';
import { problem } from './problem.js';

export interface AppDeps {
  callbackKey: string;
  /** TENCENT_CALLBACK_KEY_PREVIOUS, accepted beside callbackKey during a rotation. */
  previousCallbackKey?: string | undefined;
  redis: RedisClient;
  eventsQueue: Queue<LiveEvent>;
  queues: Queue[];
  metrics: Metrics;
  log: Logger;
  now?: () => number;
  isAccepting?: () => boolean;
  /** CALLBACK_BATCH_WINDOW_MS; absent: its default. */
  callbackBatchWindowMs?: number;
  /** The wrong-sign budget per client (config CALLBACK_BAD_SIGN_*); absent: the config defaults. */
  callbackGuard?: CallbackGuard;
  /** What an authentic callback is held to (config CALLBACK_VALIDITY_S … ROOM_ID_PREFIX); absent: the defaults. */
  callbackPolicy?: CallbackPolicy;
  /** The operator surface (rooms API, pages, docs, queue dashboard); absent when it has a port of its own. */
  admin?: AdminDeps;
}

/** The HTTP surface. Never listens itself: `serve()` is the caller's, tests use `app.request()`. */
export function createApp(deps: AppDeps): Hono {
  const now = deps.now ?? Date.now;
  const guard = deps.callbackGuard ?? callbackGuardSchema.parse({});
  const app = new Hono();
  const browserHeaders = secureHeaders();
  app.use(requestId(), (c, next) =>
    // Tencent's callbacks are machine-to-machine JSON: browser-hardening headers protect nothing
    // there and cost ~10% of the receiver's CPU (each header is validated by undici).
    c.req.path.startsWith('/callbacks/') ? next() : browserHeaders(c, next),
  );
  app.onError((error, c) => {
    if (isClientAbort(error, c)) {
      deps.log.debug({ err: (error as Error).message, path: c.req.path }, 'request aborted by the client');
      return problem(c, 'bad_request', 'the request was aborted');
    }
    deps.log.error({ err: error, path: c.req.path }, 'request failed');
    return problem(c, 'internal', 'internal error');
  });
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  registerHealth(app, { redis: deps.redis, isAccepting: deps.isAccepting ?? (() => true) });
  registerMetrics(app, deps.metrics, deps.queues);
  registerCallbacks(app, {
    callbackKey: deps.callbackKey,
    previousCallbackKey: deps.previousCallbackKey,
    eventsQueue: deps.eventsQueue,
    ...(deps.callbackBatchWindowMs !== undefined ? { batchWindowMs: deps.callbackBatchWindowMs } : {}),
    now,
    metrics: deps.metrics,
    badSign: {
      limiter: createBadSignLimiter({
        limit: guard.CALLBACK_BAD_SIGN_LIMIT,
        windowMs: guard.CALLBACK_BAD_SIGN_WINDOW_MS,
        now,
      }),
      clientIpHeader: guard.CALLBACK_CLIENT_IP_HEADER,
      log: deps.log,
    },
    rules: callbackRules(deps.callbackPolicy ?? callbackPolicySchema.parse({})),
  });

  if (deps.admin) app.route('/', createAdminApp(deps.admin));
  return app;
}
