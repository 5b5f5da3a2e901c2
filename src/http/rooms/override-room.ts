import { createRoute } from '@hono/zod-openapi';
import { clearOverride, setOverride } from '../../rooms/operator-changes.js';
import { parseRoomConfig } from '../../rooms/room-config.js';
import { readRoom } from '../../rooms/room-state.js';
import { LIMITS } from '../../tencent/limits.js';
import { problem } from '../problem.js';
import { describeRoom } from './room-view.js';
import {
  askForReconcile,
  COMMON_ERRORS,
  errorResponse,
  loadRoom,
  type RoomsApiDeps,
  type RoomsApp,
  refuseOverLimits,
} from './rooms-api-deps.js';
import { overrideBodySchema, roomIdParams, roomSchema } from './schemas.js';

/**
 * An operator pins a layout for a while: the override's config fields win over the room's for
 * `minutes`, then the rules apply again. The reconcile wakes up by itself when it ends.
 */

const setRoute = createRoute({
  method: 'post',
  path: '/v1/rooms/{id}/override',
  summary: 'Pin a layout for N minutes, then back to the rules',
  description:
    'The `config` fields (e.g. `{"preset":"grid"}` or `{"mainStreamId":"guest_2"}`) are laid over the ' +
    "room's config until the time is up; live streams still come and go. Setting it again replaces it.",
  request: {
    params: roomIdParams,
    body: { required: true, content: { 'application/json': { schema: overrideBodySchema } } },
  },
  responses: {
    200: {
      description: 'the room under the override',
      content: { 'application/json': { schema: roomSchema } },
    },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
    409: errorResponse('the room is being deleted'),
  },
});

const clearRoute = createRoute({
  method: 'delete',
  path: '/v1/rooms/{id}/override',
  summary: 'End an override now',
  request: { params: roomIdParams },
  responses: {
    200: {
      description: 'the room back under its rules',
      content: { 'application/json': { schema: roomSchema } },
    },
    ...COMMON_ERRORS,
    404: errorResponse('no such room'),
  },
});

export function registerOverrideRoom(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(setRoute, async (c) => {
    const { id } = c.req.valid('param');
    const { minutes } = c.req.valid('json');
    const config = parseRoomConfig(c.req.valid('json').config);
    const refused = refuseOverLimits(c, deps, config, 'config');
    if (refused) return refused;
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    if (room.state.meta.deleting !== undefined) return problem(c, 'conflict', `room ${id} is being deleted`);
    const now = deps.now();
    const until = now + Math.round(minutes * 60_000);
    await setOverride(deps.store, id, { config, at: now, until }, now);
    await askForReconcile(deps, id);
    const state = await readRoom(deps.store, id);
    if (!state) return problem(c, 'conflict', `room ${id} was deleted meanwhile`);
    return c.json(describeRoom(state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]), 200);
  });

  app.openapi(clearRoute, async (c) => {
    const { id } = c.req.valid('param');
    const room = await loadRoom(c, deps, id);
    if ('response' in room) return room.response;
    await clearOverride(deps.store, id, deps.now());
    await askForReconcile(deps, id);
    const state = (await readRoom(deps.store, id)) ?? room.state;
    return c.json(describeRoom(state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]), 200);
  });
}
