import { createRoute } from '@hono/zod-openapi';
import { markDeleting } from '../../rooms/operator-changes.js';
import {
  askForReconcile,
  COMMON_ERRORS,
  errorResponse,
  loadRoom,
  type RoomsApiDeps,
  type RoomsApp,
} from './rooms-api-deps.js';
import { acceptedSchema, roomIdParams } from './schemas.js';

const route = createRoute({
  method: 'delete',
  path: '/v1/rooms/{id}',
  summary: 'Cancel the mix and forget the room',
  description:
    'Marks the room for deletion; its reconcile stops mixing (cancelling the session once the ' +
    "platform's minimum age allows), then removes the room's state and its index entry. Until then " +
    'the room is listed with `deleting: true`. Streams still pushing with this room re-create it on ' +
    'their next callback.',
  request: { params: roomIdParams },
  responses: {
    202: { description: 'deletion under way', content: { 'application/json': { schema: acceptedSchema } } },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

export function registerDeleteRoom(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    await markDeleting(deps.store, id, deps.now());
    await askForReconcile(deps, id, 0);
    return c.json({ roomId: id, accepted: 'delete' }, 202);
  });
}
