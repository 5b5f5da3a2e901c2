import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { addEndpoint } from '../../webhooks/endpoints.js';
import { mixEventTypeSchema } from '../../webhooks/event.js';
import { problem } from '../problem.js';
import { COMMON_ERRORS, errorResponse, requireJsonBody } from '../rooms/rooms-api-deps.js';
import { describeEndpoint, type WebhooksApiDeps, webhookEndpointSchema } from './webhooks-api-deps.js';

const bodySchema = z
  .object({
    url: z
      .url({ protocol: /^https?$/ })
      .max(2000)
      .openapi({ example: 'https://app.example.com/hooks/mix' }),
    events: z.array(mixEventTypeSchema).min(1).optional().describe('only these types; absent: all'),
    roomPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,64}$/, 'the start of a room id')
      .optional()
      .describe('only rooms whose id starts with this; absent: all'),
  })
  .strict();

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks',
  summary: 'Add a webhook endpoint',
  description:
    'From now on the endpoint gets every event it asks for (see `webhooks` in this document), signed ' +
    'with WEBHOOK_SECRET by the Standard Webhooks scheme. Refused (409) while WEBHOOK_SECRET is unset.',
  middleware: [requireJsonBody] as const,
  request: { body: { required: true, content: { 'application/json': { schema: bodySchema } } } },
  responses: {
    201: { description: 'the endpoint', content: { 'application/json': { schema: webhookEndpointSchema } } },
    ...COMMON_ERRORS,
    409: errorResponse('WEBHOOK_SECRET is not set: nothing could be signed'),
    415: errorResponse('the body is not JSON'),
  },
});

export function registerAddWebhook(app: OpenAPIHono, deps: WebhooksApiDeps): void {
  app.openapi(route, async (c) => {
    if (!deps.settings.secrets.length) {
      return problem(c, 'conflict', 'WEBHOOK_SECRET is not set: deliveries could not be signed');
    }
    const endpoint = await addEndpoint(deps, c.req.valid('json'), deps.now());
    return c.json(await describeEndpoint(deps, endpoint), 201);
  });
}
