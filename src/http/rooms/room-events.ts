import { createRoute } from '@hono/zod-openapi';
import { readAudit } from '../../rooms/audit.js';
import {
  COMMON_ERRORS,
  errorResponse,
  loadRoom,
  type RoomsApiDeps,
  type RoomsApp,
} from './rooms-api-deps.js';
import { eventsQuerySchema, eventsSchema, roomIdParams } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/rooms/{id}/events',
  summary: "A room's audit log, newest first",
  description:
    'Callbacks (with their outcome: applied, duplicate, stale, unknown; a disconnect with its reason, ' +
    '`errcode` as `21/102` and the platform’s `errmsg`), decisions (waits and why), ' +
    'requests (reason, the callbacks that caused them, and the inputs: all of them for a new session, ' +
    'else `changes`, each `+` added, `~` changed or `-` removed), answers (code, latency), ' +
    'config changes and operator actions; each with its time and the room version.',
  request: { params: roomIdParams, query: eventsQuerySchema },
  responses: {
    200: { description: 'the audit log', content: { 'application/json': { schema: eventsSchema } } },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

export function registerRoomEvents(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const { limit } = c.req.valid('query');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    return c.json({ roomId: id, events: await readAudit(deps.store, id, limit) }, 200);
  });
}
