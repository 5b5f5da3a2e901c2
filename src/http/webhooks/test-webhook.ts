import { randomBytes } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { recordSuccess } from '../../webhooks/endpoint-health.js';
import { getEndpoint } from '../../webhooks/endpoints.js';
import { TEST_EVENT_TYPE } from '../../webhooks/event.js';
import { postEvent } from '../../webhooks/post-event.js';
import { problem } from '../problem.js';
import { COMMON_ERRORS, errorResponse } from '../rooms/rooms-api-deps.js';
import { type WebhooksApiDeps, webhookIdParams } from './webhooks-api-deps.js';

const route = createRoute({
  method: 'post',
  path: '/v1/webhooks/{id}/test',
  summary: 'Send a test event to a webhook endpoint now',
  description:
    `Sends one signed \`${TEST_EVENT_TYPE}\` event at once, outside the queue (no retry), and answers ` +
    'with what the endpoint answered. A 2xx also resumes a paused endpoint.',
  request: { params: webhookIdParams },
  responses: {
    200: {
      description: "the endpoint's answer",
      content: {
        'application/json': {
          schema: z.object({
            delivered: z.boolean().describe('the endpoint answered 2xx'),
            status: z.number().int().describe('0: no answer'),
            ms: z.number(),
            error: z.string().optional(),
            eventId: z.string(),
          }),
        },
      },
    },
    ...COMMON_ERRORS,
    404: errorResponse('no such endpoint'),
    409: errorResponse('WEBHOOK_SECRET is not set'),
  },
});

export function registerTestWebhook(app: OpenAPIHono, deps: WebhooksApiDeps): void {
  app.openapi(route, async (c) => {
    const { id } = c.req.valid('param');
    const endpoint = await getEndpoint(deps, id);
    if (!endpoint) return problem(c, 'not_found', `no webhook endpoint ${id}`);
    if (!deps.settings.secrets.length) return problem(c, 'conflict', 'WEBHOOK_SECRET is not set');
    const eventId = `evt_test_${randomBytes(12).toString('hex')}`;
    const now = deps.now();
    const body = JSON.stringify({
      id: eventId,
      type: TEST_EVENT_TYPE,
      timestamp: new Date(now).toISOString(),
      data: { endpointId: id },
    });
    const answer = await postEvent(
      endpoint.url,
      { id: eventId, body },
      deps.settings.secrets,
      deps.settings.timeoutMs,
    );
    const delivered = answer.status >= 200 && answer.status < 300;
    if (delivered) await recordSuccess(deps.store, id, answer.status, deps.now());
    return c.json(
      {
        delivered,
        status: answer.status,
        ms: answer.ms,
        ...(answer.error ? { error: answer.error } : {}),
        eventId,
      },
      200,
    );
  });
}
