import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { explain } from '../../layout/explain.js';
import { renderSvg } from '../../layout/svg.js';
import { desiredPlan, viewRoom } from '../../reconcile/snapshot.js';
import { LIMITS } from '../../tencent/limits.js';
import {
  COMMON_ERRORS,
  errorResponse,
  loadRoom,
  type RoomsApiDeps,
  type RoomsApp,
} from './rooms-api-deps.js';
import { roomIdParams, svgQuerySchema } from './schemas.js';

/** `layout.svg`: the plan the room should have now; `applied.svg`: the one the platform last accepted. */

const svgResponse = { 'image/svg+xml': { schema: z.string() } };

const desiredRoute = createRoute({
  method: 'get',
  path: '/v1/rooms/{id}/layout.svg',
  summary: 'A picture of the desired mix',
  request: { params: roomIdParams, query: svgQuerySchema },
  responses: {
    200: { description: 'SVG, in canvas pixels', content: svgResponse },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

const appliedRoute = createRoute({
  method: 'get',
  path: '/v1/rooms/{id}/applied.svg',
  summary: 'A picture of the mix the platform last accepted',
  request: { params: roomIdParams, query: svgQuerySchema },
  responses: {
    200: { description: 'SVG, in canvas pixels', content: svgResponse },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

// The picture is only drawn, never scripted: forbid everything but its own inline styles.
const SVG_HEADERS = {
  'content-type': 'image/svg+xml; charset=utf-8',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
};

export function registerRoomPictures(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(desiredRoute, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    const view = viewRoom(room.state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]);
    const title = room.state.meta.deleting !== undefined ? `${id}: being deleted` : undefined;
    return svg(c, desiredPlan(view, room.state.applied), query, explain(view.snapshot, view.limits), title);
  });

  app.openapi(appliedRoute, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    const applied = room.state.applied;
    const notes = applied
      ? [`session ${applied.sessionId}${applied.uncertain ? ' (uncertain: the last start timed out)' : ''}`]
      : [`room ${id}: the platform runs no mix for this room`];
    return svg(c, applied?.plan ?? null, query, notes, applied ? undefined : `${id}: no mix on air`);
  });
}

function svg(
  c: Context,
  plan: Parameters<typeof renderSvg>[0],
  query: { size?: number | undefined; notes?: '0' | '1' | undefined; v?: string | undefined },
  notes: string[],
  title: string | undefined,
) {
  const body = renderSvg(plan, {
    ...(query.size ? { maxSize: query.size } : {}),
    ...(query.notes === '1' || !plan ? { notes } : {}),
    ...(title ? { title } : {}),
  });
  // A versioned URL names one picture for good; an unversioned one is "now" and must not be kept.
  const cache = query.v ? 'private, max-age=600' : 'no-store';
  return c.body(body, 200, { ...SVG_HEADERS, 'cache-control': cache });
}
