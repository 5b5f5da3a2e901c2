import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { listEndpoints } from '../../webhooks/endpoints.js';
import { COMMON_ERRORS } from '../rooms/rooms-api-deps.js';
import { describeEndpoint, type WebhooksApiDeps, webhookEndpointSchema } from './webhooks-api-deps.js';

const route = createRoute({
  method: 'get',
  path: '/v1/webhooks',
  summary: 'List webhook endpoints and how their deliveries fare',
  description:
    'Endpoints from WEBHOOK_URLS and those added here, each with its filters and health: failures ' +
    'since the last success, and whether it is paused (after WEBHOOK_PAUSE_AFTER_FAILURES failures ' +
    'in a row, for WEBHOOK_PAUSE_MS). `signing` says whether WEBHOOK_SECRET is set (nothing is sent ' +
    'without it) and whether a previous secret is still signing too (a rotation).',
  responses: {
    200: {
      description: 'the endpoints',
      content: {
        'application/json': {
          schema: z.object({
            webhooks: z.array(webhookEndpointSchema),
            signing: z.object({ configured: z.boolean(), rotating: z.boolean() }),
          }),
        },
      },
    },
    401: COMMON_ERRORS[401],
  },
});

export function registerListWebhooks(app: OpenAPIHono, deps: WebhooksApiDeps): void {
  app.openapi(route, async (c) => {
    const endpoints = await listEndpoints(deps);
    const webhooks = await Promise.all(endpoints.map((endpoint) => describeEndpoint(deps, endpoint)));
    const signing = {
      configured: deps.settings.secrets.length > 0,
      rotating: deps.settings.secrets.length > 1,
    };
    return c.json({ webhooks, signing }, 200);
  });
}
