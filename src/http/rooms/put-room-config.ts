import { createRoute } from '@hono/zod-openapi';
import { setConfig } from '../../rooms/operator-changes.js';
import { parseRoomConfig } from '../../rooms/room-config.js';
import { readRoom } from '../../rooms/room-state.js';
import { LIMITS } from '../../tencent/limits.js';
import { problem } from '../problem.js';
import { describeRoom } from './room-view.js';
import {
  askForReconcile,
  COMMON_ERRORS,
  errorResponse,
  type RoomsApiDeps,
  type RoomsApp,
  refuseOverLimits,
  requireJsonBody,
} from './rooms-api-deps.js';
import { configBodySchema, roomIdParams, roomSchema } from './schemas.js';

const route = createRoute({
  method: 'put',
  path: '/v1/rooms/{id}',
  summary: "Replace a room's config",
  description:
    'Preset, canvas, output type and id, bitrate, background colour or picture, audio-only policy, ' +
    'compact vs sticky tiles, pinned main, include/exclude lists. A config the configured mix API can ' +
    'never send is refused with 400 naming the field and the limit (Cloud API 3.0: canvas sides up to ' +
    '2000 px, bitrate up to 10000 kbps; Mix_StreamV2: 3000 and 50000). Creates the room when nobody joined ' +
    'it yet. Applied through a reconcile: the answer shows the new desired plan; the platform follows ' +
    'once its timing rules allow.',
  middleware: [requireJsonBody] as const,
  request: {
    params: roomIdParams,
    body: { required: true, content: { 'application/json': { schema: configBodySchema } } },
  },
  responses: {
    200: {
      description: 'the room with its new config',
      content: { 'application/json': { schema: roomSchema } },
    },
    ...COMMON_ERRORS,
    409: errorResponse('the room is being deleted'),
    415: errorResponse('the body is not JSON'),
  },
});

export function registerPutRoomConfig(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const config = parseRoomConfig(c.req.valid('json'));
    const refused = refuseOverLimits(c, deps, config);
    if (refused) return refused;
    const before = await readRoom(deps.store, id);
    if (before?.meta.deleting !== undefined) {
      return problem(c, 'conflict', `room ${id} is being deleted; configure it again once it is gone`);
    }
    await setConfig(deps.store, id, config, deps.now());
    await askForReconcile(deps, id);
    const state = await readRoom(deps.store, id);
    if (!state) return problem(c, 'conflict', `room ${id} was deleted meanwhile`);
    return c.json(describeRoom(state, deps.now(), deps.leaveGraceMs, LIMITS[deps.mixBackend]), 200);
  });
}
