import { OpenAPIHono } from '@hono/zod-openapi';
import type { Queue } from 'bullmq';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { MiddlewareHandler } from 'hono/types';
import { type AdminGuard, adminGuardSchema } from '../config.js';
import type { Logger } from '../log.js';
import type { ReconcileJob } from '../queue/catalog.js';
import type { Timing } from '../reconcile/decide.js';
import type { RoomStore } from '../rooms/room-store.js';
import type { MixBackendName } from '../tencent/limits.js';
import type { WebhookSettings } from '../webhooks/settings.js';
import { adminAuth } from './admin-auth.js';
import { registerApiDocs } from './api-docs.js';
import { createAuthFailures } from './auth-failures.js';
import { isClientAbort } from './client-abort.js';
import { describeIssues, ERROR_STATUS, type ErrorCode, problem } from './problem.js';
import { QUEUE_DASHBOARD_PATH, queueDashboard } from './queue-dashboard.js';
import { registerRoomsApi } from './rooms/register-rooms-api.js';
import { redisSessionRevocations } from './session-revocations.js';
import { registerUiAssets } from './ui/assets.js';
import { registerLayoutAssets } from './ui/layouts-assets.js';
import { registerLayoutPages } from './ui/layouts-routes.js';
import { createLiveViews } from './ui/live-views.js';
import { loginChallenge, registerLogin } from './ui/login-routes.js';
import { registerUiPages } from './ui/ui-routes.js';
import { registerWebhooksApi } from './webhooks/register-webhooks-api.js';

/**
 * The operator surface: rooms API (`/v1`), its OpenAPI document and reference (`/openapi.json`,
 * `/docs`), the room pages (`/ui`) and the queue dashboard (`/admin/queues`). Everything behind
 * ADMIN_TOKEN, as a bearer token or the pages' session cookie, except the login form and the
 * pages' script and stylesheet. Mounted on the main app, or served alone on ADMIN_PORT.
 */

export interface AdminDeps {
  adminToken: string | undefined;
  store: RoomStore;
  reconcileQueue: Queue<ReconcileJob>;
  /** Every queue, for the dashboard. */
  queues: Queue[];
  log: Logger;
  now?: () => number;
  leaveGraceMs: number;
  reconcileAttempts: number;
  debounceMs: number;
  timing: Timing;
  /** TENCENT_APPID, for dry-run bodies; 0 when unset. */
  appId: number;
  /** TENCENT_MIX_BACKEND: the limits configs and plans must respect, and the dry run's body format. */
  mixBackend: MixBackendName;
  /** How often an open page's view is read. */
  livePollMs: number;
  isAccepting?: () => boolean;
  /** Sign-in failure budget, session cookie, live-stream cap (config); absent: the config defaults. */
  guard?: AdminGuard;
  /** The WEBHOOK_* settings: `/v1/webhooks` is served when given. */
  webhooks?: { settings: WebhookSettings };
}

const API_BODY_LIMIT = 64 * 1024;

/** Pages may load only our own script, styles and pictures, and talk only to us. */
const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** Open UI paths: the way in, and what the login form itself needs. */
const OPEN_UI_PATHS = /^\/ui\/(login|logout|assets\/[a-z.]+)$/;

export function createAdminApp(deps: AdminDeps): OpenAPIHono {
  const now = deps.now ?? Date.now;
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) {
        const where = result.target === 'json' ? 'body' : result.target;
        return problem(c, 'bad_request', describeIssues(result.error.issues, where));
      }
    },
  });
  app.onError((error, c) => {
    if (error instanceof HTTPException && error.status < 500) {
      return problem(c, codeForStatus(error.status), error.message || 'bad request');
    }
    if (isClientAbort(error, c)) {
      deps.log.debug({ err: (error as Error).message, path: c.req.path }, 'request aborted by the client');
      return problem(c, 'bad_request', 'the request was aborted');
    }
    deps.log.error({ err: error, path: c.req.path }, 'admin request failed');
    return problem(c, 'internal', 'internal error');
  });
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));

  // Before authentication, so the login form a refused page request gets has the CSP too.
  // In Hono `/ui/*` matches `/ui` too: one registration per prefix, or it runs twice.
  app.use('/ui/*', pageSecurity);
  const guard = deps.guard ?? adminGuardSchema.parse({});
  const failures = createAuthFailures({
    limit: guard.ADMIN_AUTH_FAIL_LIMIT,
    windowMs: guard.ADMIN_AUTH_FAIL_WINDOW_MS,
    clientIpHeader: guard.CALLBACK_CLIENT_IP_HEADER,
    now,
    log: deps.log,
  });
  const revocations = redisSessionRevocations(deps.store.redis, deps.store.namespace);
  const secureCookie = guard.ADMIN_SECURE_COOKIE;
  const auth = adminAuth(deps.adminToken, {
    session: { now, secureCookie, revocations },
    loginPage: loginChallenge(deps.adminToken),
    failures,
  });
  const uiAuth: MiddlewareHandler = (c, next) => (OPEN_UI_PATHS.test(c.req.path) ? next() : auth(c, next));
  for (const path of ['/v1/*', '/openapi.json', '/docs/*', `${QUEUE_DASHBOARD_PATH}/*`]) {
    app.use(path, auth);
  }
  app.use('/ui/*', uiAuth);
  app.use(
    '/v1/*',
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: (c) => problem(c, 'too_large', `the body exceeds ${API_BODY_LIMIT} bytes`),
    }),
  );

  registerRoomsApi(app, {
    store: deps.store,
    reconcileQueue: deps.reconcileQueue,
    now,
    leaveGraceMs: deps.leaveGraceMs,
    reconcileAttempts: deps.reconcileAttempts,
    debounceMs: deps.debounceMs,
    timing: deps.timing,
    appId: deps.appId,
    mixBackend: deps.mixBackend,
  });
  if (deps.webhooks) registerWebhooksApi(app, { ...deps.webhooks, store: deps.store, now });
  registerApiDocs(app);
  registerUiAssets(app);
  registerLogin(app, { adminToken: deps.adminToken, now, secureCookie, failures, revocations });
  registerUiPages(app, {
    store: deps.store,
    now,
    leaveGraceMs: deps.leaveGraceMs,
    mixBackend: deps.mixBackend,
    log: deps.log,
    views: createLiveViews({ pollMs: deps.livePollMs, maxStreams: guard.UI_LIVE_STREAMS_MAX, log: deps.log }),
    isAccepting: deps.isAccepting ?? (() => true),
  });
  registerLayoutAssets(app);
  registerLayoutPages(app, { store: deps.store, mixBackend: deps.mixBackend });
  app.route(QUEUE_DASHBOARD_PATH, queueDashboard(deps.queues));
  // A browser at the bare host wants the pages; anything else gets the usual JSON 404.
  app.get('/', (c) =>
    (c.req.header('accept') ?? '').includes('text/html')
      ? c.redirect('/ui', 302)
      : problem(c, 'not_found', 'no route for GET /: the pages are at /ui, the API under /v1'),
  );
  return app;
}

/** The operator surface on a port of its own (ADMIN_PORT): with the request id and headers the main app adds. */
export function createStandaloneAdminApp(deps: AdminDeps): Hono {
  const app = new Hono();
  app.use(requestId(), secureHeaders());
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.route('/', createAdminApp(deps));
  app.notFound((c) => problem(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`));
  return app;
}

const pageSecurity: MiddlewareHandler = async (c, next) => {
  await next();
  if (c.res.headers.get('content-type')?.startsWith('text/html')) {
    c.res.headers.set('content-security-policy', UI_CSP);
  }
};

/** The error code of a client-error status (the inverse of ERROR_STATUS); bad_request when it has none. */
function codeForStatus(status: number): ErrorCode {
  const found = Object.entries(ERROR_STATUS).find(([, known]) => known === status);
  return found ? (found[0] as ErrorCode) : 'bad_request';
}
