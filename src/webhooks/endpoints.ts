import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { RoomStore } from '../rooms/room-store.js';
import { mixEventTypeSchema } from './event.js';
import type { WebhookEndpoint, WebhookSettings } from './settings.js';

/**
 * The webhook endpoints: WEBHOOK_URLS (fixed) and those added through `/v1/webhooks`, stored in
 * one Redis hash (`webhookEndpoints`, src/rooms/keys.ts). Every endpoint is signed with the same
 * WEBHOOK_SECRET: nothing secret is stored with an endpoint.
 */

const storedEndpointSchema = z.object({
  url: z.string(),
  events: z.array(mixEventTypeSchema).optional(),
  roomPrefix: z.string().optional(),
  createdAt: z.number(),
});

export interface EndpointSource {
  store: RoomStore;
  settings: Pick<WebhookSettings, 'fixed'>;
}

export async function listEndpoints({ store, settings }: EndpointSource): Promise<WebhookEndpoint[]> {
  const stored = await store.redis.hgetall(store.keys.webhookEndpoints);
  const added = Object.entries(stored)
    .map(([id, raw]) => endpointOf(id, raw))
    .filter((endpoint): endpoint is WebhookEndpoint => endpoint !== undefined)
    .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
  return [...settings.fixed, ...added];
}

export async function getEndpoint(
  { store, settings }: EndpointSource,
  id: string,
): Promise<WebhookEndpoint | undefined> {
  const fixed = settings.fixed.find((endpoint) => endpoint.id === id);
  if (fixed) return fixed;
  const raw = await store.redis.hget(store.keys.webhookEndpoints, id);
  return raw === null ? undefined : endpointOf(id, raw);
}

export async function addEndpoint(
  { store }: EndpointSource,
  input: { url: string; events?: WebhookEndpoint['events']; roomPrefix?: string | undefined },
  nowMs: number,
): Promise<WebhookEndpoint> {
  const id = `wh-${randomBytes(8).toString('hex')}`;
  const stored = storedEndpointSchema.parse({ ...input, createdAt: nowMs });
  await store.redis.hset(store.keys.webhookEndpoints, id, JSON.stringify(stored));
  return { id, source: 'api', ...stored };
}

/**
 * Removes an endpoint added through the API; its outboxes are dropped by their delivery jobs
 * (which find it gone). Returns false when there is no such endpoint.
 */
export async function removeEndpoint({ store }: EndpointSource, id: string): Promise<boolean> {
  return (await store.redis.hdel(store.keys.webhookEndpoints, id)) === 1;
}

function endpointOf(id: string, raw: string): WebhookEndpoint | undefined {
  const parsed = storedEndpointSchema.safeParse(JSON.parse(raw));
  return parsed.success ? { id, source: 'api', ...parsed.data } : undefined;
}
