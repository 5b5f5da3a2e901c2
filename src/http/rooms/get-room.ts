import { createRoute } from '@hono/zod-openapi';
import { LIMITS } from '../../tencent/limits.js';
import { describeRoom } from './room-view.js';
import {
  COMMON_ERRORS,
  errorResponse,
  loadRoom,
  type RoomsApiDeps,
  type RoomsApp,
} from './rooms-api-deps.js';
import { roomIdParams, roomSchema } from './schemas.js';

const route = createRoute({
  method: 'get',
  path: '/v1/rooms/{id}',
  summary: 'A room: who is on air, the desired plan and why, what the platform runs',
  request: { params: roomIdParams },
  responses: {
    200: { description: 'the room', content: { 'application/json': { schema: roomSchema } } },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

export function registerGetRoom(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    return c.json(describeRoom(room.state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]), 200);
  });
}
