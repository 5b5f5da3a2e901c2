import type { Cluster, Redis } from 'ioredis';
import type { RoomKeys } from '../keys.js';
import { defineScript, replyOf } from './define.js';
import { AUDIT } from './fragments.js';

/**
 * A room's webhook outboxes: one list per endpoint, of event bodies oldest first, beside the room's
 * keys (same hash tag). Only the head is ever in flight, so a room's events reach an endpoint in
 * the order they were raised.
 */

type Client = Redis | Cluster;

const ENQUEUE = defineScript({
  name: 'mkWebhookEnqueue',
  reply: replyOf<number>(),
  keys: ['outbox', 'last'],
  args: { endpointId: 'string', eventId: 'string', body: 'string', lastTtl: 'number' },
  body: `
if redis.call('HGET', last, endpointId) == eventId then return 0 end
redis.call('RPUSH', outbox, body)
redis.call('HSET', last, endpointId, eventId)
redis.call('PEXPIRE', last, lastTtl)
return 1
`,
});

/**
 * Queues an event body for one endpoint, unless the same event was the last one queued for it (a
 * change raised again after a crash). Returns whether it was queued.
 */
export async function runWebhookEnqueue(
  redis: Client,
  keys: { outbox: string; last: string },
  args: { endpointId: string; eventId: string; body: string; lastTtl: number },
): Promise<boolean> {
  return (await ENQUEUE.run(redis, keys, args)) === 1;
}

const COMPLETE = defineScript({
  name: 'mkWebhookComplete',
  reply: replyOf<number>(),
  keys: ['outbox', 'tries'],
  args: { endpointId: 'string', eventId: 'string' },
  body: `
local head = redis.call('LINDEX', outbox, 0)
if head and cjson.decode(head).id == eventId then redis.call('LPOP', outbox) end
redis.call('HDEL', tries, endpointId)
return redis.call('LLEN', outbox)
`,
});

/** Takes a delivered (or given up) event off the head, if it is still there; returns how many remain. */
export async function runWebhookComplete(
  redis: Client,
  keys: { outbox: string; tries: string },
  args: { endpointId: string; eventId: string },
): Promise<number> {
  return COMPLETE.run(redis, keys, args);
}

const APPEND_AUDIT = defineScript({
  name: 'mkWebhookAudit',
  reply: replyOf<number>(),
  keys: ['meta', 'audit'],
  args: { at: 'number', auditCap: 'number', auditType: 'string', auditFields: 'string' },
  fragments: [AUDIT],
  body: `
if redis.call('EXISTS', meta) == 0 then return 0 end
local version = tonumber(redis.call('HGET', meta, 'version') or '0')
pushAudit(audit, auditCap, { auditLine(at, version, auditType, {}, auditFields) })
return 1
`,
});

/**
 * Adds an entry to a room's timeline at its current version, if the room still exists: a delivery
 * of `room.deleted` must not bring a forgotten room's audit back.
 */
export async function runWebhookAudit(
  redis: Client,
  keys: Pick<RoomKeys, 'meta' | 'audit'>,
  args: { at: number; auditCap: number; auditType: string; auditFields: string },
): Promise<boolean> {
  return (await APPEND_AUDIT.run(redis, keys, args)) === 1;
}
