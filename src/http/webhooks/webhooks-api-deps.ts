import { z } from '@hono/zod-openapi';
import type { RoomStore } from '../../rooms/room-store.js';
import { readHealth } from '../../webhooks/endpoint-health.js';
import { mixEventTypeSchema } from '../../webhooks/event.js';
import { shownUrl, type WebhookEndpoint, type WebhookSettings } from '../../webhooks/settings.js';

/** What `/v1/webhooks` needs: the store (endpoints and their health) and the WEBHOOK_* settings. */
export interface WebhooksApiDeps {
  store: RoomStore;
  settings: WebhookSettings;
  now: () => number;
}

export const webhookIdParams = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'a webhook endpoint id')
    .openapi({ param: { name: 'id', in: 'path' }, example: 'wh-3f9a0c1d2e4b5a69' }),
});

export const webhookEndpointSchema = z
  .object({
    id: z.string(),
    /** Query values and credentials shown as `***`. */
    url: z.string().describe('query values and credentials shown as ***'),
    source: z.enum(['env', 'api']).describe('env: WEBHOOK_URLS (remove it there); api: added here'),
    events: z.array(mixEventTypeSchema).optional().describe('only these types are sent; absent: all'),
    roomPrefix: z.string().optional().describe('only rooms whose id starts with this; absent: all'),
    createdAt: z.number().optional(),
    health: z.object({
      failures: z.number().int().describe('failed deliveries since the last success'),
      paused: z.boolean(),
      pausedUntil: z.number().optional().describe('Unix ms; then one delivery probes the endpoint'),
      lastStatus: z.number().int().optional().describe('HTTP status of the last attempt; 0: no answer'),
      lastAt: z.number().optional(),
      lastError: z.string().optional(),
    }),
  })
  .meta({ id: 'WebhookEndpoint' });

export async function describeEndpoint(deps: WebhooksApiDeps, endpoint: WebhookEndpoint) {
  const health = await readHealth(deps.store, endpoint.id);
  const paused = health.pausedUntil !== undefined && health.pausedUntil > deps.now();
  return {
    id: endpoint.id,
    url: shownUrl(endpoint.url),
    source: endpoint.source,
    ...(endpoint.events ? { events: endpoint.events } : {}),
    ...(endpoint.roomPrefix ? { roomPrefix: endpoint.roomPrefix } : {}),
    ...(endpoint.createdAt !== undefined ? { createdAt: endpoint.createdAt } : {}),
    health: { ...health, paused },
  } satisfies z.infer<typeof webhookEndpointSchema>;
}
