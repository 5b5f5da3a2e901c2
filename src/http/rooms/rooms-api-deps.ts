import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Queue } from 'bullmq';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { RoomConfig } from '../../layout/plan.js';
import type { ReconcileJob } from '../../queue/catalog.js';
import { requestReconcile } from '../../queue/reconcile-requests.js';
import type { Timing } from '../../reconcile/decide.js';
import { configOverLimits } from '../../rooms/room-config.js';
import { readRoom } from '../../rooms/room-state.js';
import type { RoomStore } from '../../rooms/room-store.js';
import { LIMITS, type MixBackendName } from '../../tencent/limits.js';
import { describeIssues, problem } from '../problem.js';
import { errorSchema } from './schemas.js';

/** What the rooms API needs from the process: the room store, the reconcile queue and the rules' timing. */
export interface RoomsApiDeps {
  store: RoomStore;
  reconcileQueue: Queue<ReconcileJob>;
  now: () => number;
  leaveGraceMs: number;
  /** Attempts of a reconcile job (MIX_RETRY_MAX_ATTEMPTS). */
  reconcileAttempts: number;
  /** Delay of a reconcile asked for by a change (MIX_DEBOUNCE_MS), so it coalesces with callbacks. */
  debounceMs: number;
  timing: Timing;
  /** TENCENT_APPID for dry-run request bodies (0 when unset). */
  appId: number;
  /** TENCENT_MIX_BACKEND: which API's limits configs and plans must respect, and its dry-run bodies. */
  mixBackend: MixBackendName;
}

export type RoomsApp = OpenAPIHono;

/** The room, or a 404 answer. */
export async function loadRoom(c: Context, deps: RoomsApiDeps, roomId: string) {
  const state = await readRoom(deps.store, roomId);
  return state ? { state } : { response: problem(c, 'not_found', `no room ${roomId}`) };
}

/**
 * A 400 naming each field of a (schema-valid) config the configured mix API can never send, e.g.
 * `canvas.width: at most 2000 on Cloud API 3.0`; undefined when it can. `where` prefixes the
 * field's path when the config sits inside the body (`config`).
 */
export function refuseOverLimits(c: Context, deps: RoomsApiDeps, config: RoomConfig, where?: string) {
  const issues = configOverLimits(config, LIMITS[deps.mixBackend]);
  if (!issues.length) return undefined;
  const named = issues.map((issue) => ({ ...issue, path: where ? [where, ...issue.path] : issue.path }));
  return problem(c, 'bad_request', describeIssues(named, 'body'));
}

export function askForReconcile(deps: RoomsApiDeps, roomId: string, delayMs = deps.debounceMs) {
  return requestReconcile(deps.reconcileQueue, roomId, delayMs, deps.reconcileAttempts);
}

/**
 * A route whose body is required refuses a request without a JSON body: Hono's JSON validator
 * would otherwise validate `{}`, and an empty PUT would quietly wipe a room's config.
 */
export const requireJsonBody = createMiddleware(async (c, next) => {
  if (!/^application\/([a-z0-9.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) {
    return problem(
      c,
      'unsupported_media_type',
      'body: a JSON object is required (content-type: application/json)',
    );
  }
  await next();
});

/** An error answer in the OpenAPI document: always the one `{code, message, requestId}` shape. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: errorSchema } } };
}

/** The answers every room route shares: bad input and missing credentials. */
export const COMMON_ERRORS = {
  400: errorResponse('invalid input; the message names the field'),
  401: errorResponse('no valid bearer token (or session cookie)'),
};
