import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { forgetHealth } from '../../webhooks/endpoint-health.js';
import { removeEndpoint } from '../../webhooks/endpoints.js';
import { problem } from '../problem.js';
import { COMMON_ERRORS, errorResponse } from '../rooms/rooms-api-deps.js';
import { type WebhooksApiDeps, webhookIdParams } from './webhooks-api-deps.js';

const route = createRoute({
  method: 'delete',
  path: '/v1/webhooks/{id}',
  summary: 'Remove a webhook endpoint',
  description:
    'Nothing more is sent to it; events still waiting for it are dropped. An endpoint from ' +
    'WEBHOOK_URLS is removed there (409 here).',
  request: { params: webhookIdParams },
  responses: {
    204: { description: 'removed' },
    ...COMMON_ERRORS,
    404: errorResponse('no such endpoint'),
    409: errorResponse('the endpoint comes from WEBHOOK_URLS'),
  },
});

export function registerRemoveWebhook(app: OpenAPIHono, deps: WebhooksApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    if (deps.settings.fixed.some((endpoint) => endpoint.id === id)) {
      return problem(c, 'conflict', `${id} comes from WEBHOOK_URLS: remove it there`);
    }
    if (!(await removeEndpoint(deps, id))) return problem(c, 'not_found', `no webhook endpoint ${id}`);
    await forgetHealth(deps.store, id);
    return c.body(null, 204);
  });
}
