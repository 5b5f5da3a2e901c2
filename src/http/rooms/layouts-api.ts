import { createRoute, z } from '@hono/zod-openapi';
import { LAYOUT_NAME_PATTERN, layoutTemplateSchema } from '../../layout/layout-template.js';
import { checkTemplate } from '../../layout/template-check.js';
import {
  deleteLayout,
  getLayout,
  type LayoutEntry,
  listLayouts,
  putLayout,
  roomsUsingLayout,
} from '../../rooms/layout-store.js';
import { LIMITS } from '../../tencent/limits.js';
import { describeIssues, problem } from '../problem.js';
import {
  askForReconcile,
  COMMON_ERRORS,
  errorResponse,
  type RoomsApiDeps,
  type RoomsApp,
  requireJsonBody,
} from './rooms-api-deps.js';

/**
 * `/v1/layouts`: the layout templates rooms name with `layout:<name>`. A template is checked
 * before it is stored (400 naming the slot and the rule); storing or deleting one re-lays out
 * every room that uses it, one reconcile each (coalesced with whatever else that room is doing,
 * and held to the platform's timing rules like any change). A LAYOUTS_FILE template wins over a
 * stored copy of the same name: answers say which is in force (`source`).
 */

const nameParams = z.object({
  name: z
    .string()
    .regex(LAYOUT_NAME_PATTERN, 'a layout name: 1-64 letters, digits, _ or -')
    .openapi({ param: { name: 'name', in: 'path' }, example: 'stage' }),
});

const layoutSchema = z
  .object({
    name: z.string(),
    source: z.enum(['file', 'stored']).openapi({ description: 'file: from LAYOUTS_FILE; stored: set here' }),
    updatedAt: z.number().optional(),
    storedCopyIgnored: z
      .boolean()
      .optional()
      .openapi({ description: 'a stored copy exists, but LAYOUTS_FILE defines this name and wins' }),
    template: layoutTemplateSchema,
  })
  .openapi('Layout');

const putResultSchema = layoutSchema
  .extend({
    rooms: z.array(z.string()).openapi({ description: 'rooms using it, each asked to re-lay out' }),
    note: z.string().optional(),
  })
  .openapi('LayoutPut');

const listRoute = createRoute({
  method: 'get',
  path: '/v1/layouts',
  summary: 'Every layout template in force',
  responses: {
    200: {
      description: 'templates by name',
      content: { 'application/json': { schema: z.object({ layouts: z.array(layoutSchema) }) } },
    },
    401: COMMON_ERRORS[401],
  },
});

const getRoute = createRoute({
  method: 'get',
  path: '/v1/layouts/{name}',
  summary: 'One layout template',
  request: { params: nameParams },
  responses: {
    200: { description: 'the template in force', content: { 'application/json': { schema: layoutSchema } } },
    ...COMMON_ERRORS,
    404: errorResponse('no such layout'),
  },
});

const putRoute = createRoute({
  method: 'put',
  path: '/v1/layouts/{name}',
  summary: 'Store a layout template; rooms using it re-lay out',
  description:
    'A template: canvas (a size, or "main"), background, slots (rect in pixels or fractions, z, who ' +
    'takes it, filling order, fill mode cover|contain, placeholder), overlays (watermark pictures above ' +
    'every tile) and what to do when full. Refused with 400 naming the slot and the rule: inside the ' +
    "canvas, at most 16 inputs counting canvas, placeholders and overlays, the mix API's pixel limits, " +
    'unique z. Every room that names it is reconciled once. When LAYOUTS_FILE defines the name, the ' +
    "stored copy is kept but the file's template stays in force, and the answer says so.",
  middleware: [requireJsonBody] as const,
  request: {
    params: nameParams,
    body: { required: true, content: { 'application/json': { schema: layoutTemplateSchema } } },
  },
  responses: {
    200: { description: 'stored', content: { 'application/json': { schema: putResultSchema } } },
    ...COMMON_ERRORS,
    409: errorResponse('deleted while being stored'),
    415: errorResponse('the body is not JSON'),
  },
});

const deleteRoute = createRoute({
  method: 'delete',
  path: '/v1/layouts/{name}',
  summary: 'Delete a stored layout template; rooms using it fall back to their default',
  request: { params: nameParams },
  responses: {
    200: {
      description: 'deleted',
      content: {
        'application/json': {
          schema: z.object({ name: z.string(), rooms: z.array(z.string()), note: z.string().optional() }),
        },
      },
    },
    ...COMMON_ERRORS,
    404: errorResponse('no stored layout of that name'),
  },
});

function body(entry: LayoutEntry) {
  return {
    name: entry.name,
    source: entry.source,
    ...(entry.updatedAt !== undefined ? { updatedAt: entry.updatedAt } : {}),
    ...(entry.storedCopyIgnored ? { storedCopyIgnored: true } : {}),
    template: entry.template,
  };
}

const FILE_WINS = 'LAYOUTS_FILE defines this name: its template stays in force over the stored copy';

/** Asks every room naming the layout for a reconcile; returns their ids. */
async function relayOut(deps: RoomsApiDeps, name: string): Promise<string[]> {
  const rooms = await roomsUsingLayout(deps.store, name);
  await Promise.all(rooms.map((roomId) => askForReconcile(deps, roomId)));
  return rooms;
}

export function registerLayoutsApi(app: RoomsApp, deps: RoomsApiDeps): void {
  app.openapi(listRoute, async (c) => {
    const layouts = await listLayouts(deps.store);
    return c.json({ layouts: layouts.map(body) }, 200);
  });

  app.openapi(getRoute, async (c) => {
    const { name } = c.req.valid('param');
    const entry = await getLayout(deps.store, name);
    if (!entry) return problem(c, 'not_found', `no layout ${name}`);
    return c.json(body(entry), 200);
  });

  app.openapi(putRoute, async (c) => {
    const { name } = c.req.valid('param');
    const template = layoutTemplateSchema.parse(c.req.valid('json'));
    const issues = checkTemplate(template, LIMITS[deps.mixBackend]);
    if (issues.length) return problem(c, 'bad_request', describeIssues(issues, 'body'));
    await putLayout(deps.store, name, template, deps.now());
    const fromFile = deps.store.fileLayouts.has(name);
    const rooms = fromFile ? [] : await relayOut(deps, name);
    const entry = await getLayout(deps.store, name);
    if (!entry) return problem(c, 'conflict', `layout ${name} was deleted meanwhile`);
    return c.json({ ...body(entry), rooms, ...(fromFile ? { note: FILE_WINS } : {}) }, 200);
  });

  app.openapi(deleteRoute, async (c) => {
    const { name } = c.req.valid('param');
    if (!(await deleteLayout(deps.store, name))) return problem(c, 'not_found', `no stored layout ${name}`);
    const fromFile = deps.store.fileLayouts.has(name);
    const rooms = fromFile ? [] : await relayOut(deps, name);
    return c.json({ name, rooms, ...(fromFile ? { note: FILE_WINS } : {}) }, 200);
  });
}
