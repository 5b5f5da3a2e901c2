import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { MIX_EVENT_TYPES, type MixEventType, mixEventSchema, testEventSchema } from '../../webhooks/event.js';

/**
 * The events mixkeeper sends, as OpenAPI 3.1 `webhooks` (one per type, one shared `MixEvent`
 * schema), so an app team can generate the receiver's types from `/openapi.json`.
 */

const WHAT: Record<MixEventType, string> = {
  'mix.started': 'The platform accepted a new mix session: the tiles are on air.',
  'mix.updated': 'The platform accepted a new layout of the running session.',
  'mix.ended': 'The platform accepted the cancel of the session: no mix runs.',
  'mix.failed': 'The platform refused a request for good (or retries ran out): `error` says why.',
  'mix.recovered': 'Mixing again after a failure: the tiles are on air.',
  'room.deleted': 'An operator deleted the room and its state is gone.',
};

const headers = z.object({
  'webhook-id': z.string().describe('the event id: the same for every delivery of the event; dedup on it'),
  'webhook-timestamp': z.string().describe('Unix seconds of this attempt'),
  'webhook-signature': z
    .string()
    .describe('`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, one per signing secret, space-separated'),
});

const received = {
  '2XX': { description: 'delivered' },
  '410': { description: 'not wanted: given up at once and recorded (so is any 4xx but 408 and 429)' },
};

export function registerWebhookEvents(app: OpenAPIHono): void {
  const event = mixEventSchema.meta({ id: 'MixEvent' });
  for (const type of MIX_EVENT_TYPES) {
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      summary: type,
      description: `${WHAT[type]} Signed by the Standard Webhooks scheme; retried on timeouts, 5xx, 408 and 429.`,
      request: { headers, body: { content: { 'application/json': { schema: event } } } },
      responses: received,
    });
  }
  app.openAPIRegistry.registerWebhook({
    method: 'post',
    path: 'webhook.test',
    summary: 'webhook.test',
    description: 'Sent by `POST /v1/webhooks/{id}/test` only.',
    request: { headers, body: { content: { 'application/json': { schema: testEventSchema } } } },
    responses: received,
  });
}
