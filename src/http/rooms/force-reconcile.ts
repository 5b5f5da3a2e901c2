import { createRoute } from '@hono/zod-openapi';
import { updateRoom } from '../../rooms/room-update.js';
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
  method: 'post',
  path: '/v1/rooms/{id}/reconcile',
  summary: 'Reconcile the room now, even if it failed',
  description:
    'A room that failed with a permanent error waits for a change before trying again; this clears ' +
    'the failure and reconciles at once. Safe to repeat: reconciles of one room never overlap.',
  request: { params: roomIdParams },
  responses: {
    202: { description: 'reconcile requested', content: { 'application/json': { schema: acceptedSchema } } },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

export function registerForceReconcile(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    const { meta } = room.state;
    const failed = meta.failedVersion !== undefined;
    const now = deps.now();
    await updateRoom(
      deps.store,
      id,
      {
        failedVersion: null,
        audit: [
          {
            at: now,
            v: meta.version,
            type: 'operator',
            action: 'reconcile',
            ...(failed ? { cleared: 'failure' } : {}),
          },
        ],
      },
      now,
    );
    await askForReconcile(deps, id, 0);
    return c.json({ roomId: id, accepted: failed ? 'reconcile, failure cleared' : 'reconcile' }, 202);
  });
}
