import { createRoute, type z } from '@hono/zod-openapi';
import type { LayoutTemplate } from '../../layout/layout-template.js';
import { renderSvg } from '../../layout/svg.js';
import { checkTemplate } from '../../layout/template-check.js';
import { type DryRunChanges, type DryRunJoin, dryRun } from '../../reconcile/dry-run.js';
import { layoutNameOf, resolveLayouts } from '../../rooms/layout-store.js';
import { parseRoomConfig } from '../../rooms/room-config.js';
import { readRoom } from '../../rooms/room-state.js';
import { LIMITS } from '../../tencent/limits.js';
import { describeIssues, problem } from '../problem.js';
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
    "a config instead of the room's own (refused with 400 if the backend could never send it); " +
    '`template` a layout template, by name or inline (checked like PUT /v1/layouts). A room ' +
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
    const state = await readRoom(deps.store, id);
    const tried = await templateToTry(deps, body.template);
    if ('message' in tried) return problem(c, 'bad_request', tried.message);
    if (tried.name !== undefined) {
      changes.config = { ...(changes.config ?? state?.config ?? {}), preset: `layout:${tried.name}` };
    }
    const named = layoutNameOf(changes.config?.preset);
    changes.layouts = { ...(named ? await resolveLayouts(deps.store, [named]) : {}), ...tried.layouts };
    const now = deps.now();
    const result = dryRun({
      roomId: id,
      state,
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

/** The name an inline template is tried under (it shadows a stored one of that name, in the dry run only). */
const INLINE = 'inline_what-if';

/** The template a dry run tries: a stored (or LAYOUTS_FILE) one by name, or one given inline, checked. */
async function templateToTry(
  deps: RoomsApiDeps,
  template: PlanBody['template'],
): Promise<{ name?: string; layouts: Record<string, LayoutTemplate> } | { message: string }> {
  if (template === undefined) return { layouts: {} };
  if (typeof template === 'string') {
    const found = await resolveLayouts(deps.store, [template]);
    if (!found[template]) return { message: `template: no layout ${template}` };
    return { name: template, layouts: found };
  }
  const issues = checkTemplate(template, LIMITS[deps.mixBackend]);
  if (issues.length) {
    return {
      message: describeIssues(
        issues.map((i) => ({ ...i, path: ['template', ...i.path] })),
        'template',
      ),
    };
  }
  return { name: INLINE, layouts: { [INLINE]: template } };
}
