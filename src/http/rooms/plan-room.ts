import { createRoute, type z } from '@hono/zod-openapi';
import { renderSvg } from '../../layout/svg.js';
import { type DryRunChanges, type DryRunJoin, dryRun } from '../../reconcile/dry-run.js';
import { parseRoomConfig } from '../../rooms/room-config.js';
import { readRoom } from '../../rooms/room-state.js';
import { COMMON_ERRORS, type RoomsApiDeps, type RoomsApp, refuseOverLimits } from './rooms-api-deps.js';
import { planBodySchema, planResultSchema, roomIdParams } from './schemas.js';

const route = createRoute({
  method: 'post',
  path: '/v1/rooms/{id}/plan',
  summary: 'Dry run: what would be sent now, or if these streams joined or left',
  description:
    'Computes the plan, what the reconcile would decide (now, or the wait and why), the exact ' +
    "request it would send next in the configured backend's format (`request.backend`: `legacy`, a " +
    'Mix_StreamV2 body; `api3`, the CreateCommonMixStream / CancelCommonMixStream parameters; never a ' +
    'signature), a picture and the explanation. Nothing is sent and nothing is stored. `config` tries ' +
    "a config instead of the room's own (refused with 400 if the backend could never send it). A room " +
    'nobody joined yet is planned as empty.',
  request: {
    params: roomIdParams,
    body: { required: false, content: { 'application/json': { schema: planBodySchema } } },
  },
  responses: {
    200: { description: 'the dry run', content: { 'application/json': { schema: planResultSchema } } },
    ...COMMON_ERRORS,
  },
});

export function registerPlanRoom(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const changes = toChanges(body);
    const refused = changes.config && refuseOverLimits(c, deps, changes.config, 'config');
    if (refused) return refused;
    const now = deps.now();
    const result = dryRun({
      roomId: id,
      state: await readRoom(deps.store, id),
      changes,
      now,
      leaveGraceMs: deps.leaveGraceMs,
      timing: deps.timing,
      backend: deps.mixBackend,
      appId: deps.appId,
    });
    const { decision } = result;
    return c.json(
      {
        roomId: id,
        at: now,
        plan: result.plan,
        check: result.check,
        decision: {
          kind: decision.kind,
          reason: decision.reason,
          ...(decision.kind === 'wait' ? { until: decision.until } : {}),
          ...(decision.kind === 'start' || decision.kind === 'cancel'
            ? { sessionId: decision.sessionId }
            : {}),
        },
        request: result.request,
        svg: renderSvg(result.plan, { notes: result.explain }),
        explain: result.explain,
      },
      200,
    );
  });
}

type PlanBody = Partial<z.output<typeof planBodySchema>>;

function toChanges(body: PlanBody): DryRunChanges {
  const join = body.join?.map((j) => {
    const stream: DryRunJoin = { streamId: j.streamId };
    if (j.role) stream.role = j.role;
    if (j.media) stream.media = j.media;
    if (j.width !== undefined) stream.width = j.width;
    if (j.height !== undefined) stream.height = j.height;
    return stream;
  });
  return {
    ...(join ? { join } : {}),
    ...(body.leave ? { leave: body.leave } : {}),
    ...(body.config ? { config: parseRoomConfig(body.config) } : {}),
  };
}
