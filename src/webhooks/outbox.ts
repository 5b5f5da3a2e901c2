import type { RoomStore } from '../rooms/room-store.js';
import { runWebhookComplete, runWebhookEnqueue } from '../rooms/scripts/webhook-outbox.js';
import type { MixEvent, MixEventType } from './event.js';

/**
 * A room's events waiting for one endpoint (src/rooms/scripts/webhook-outbox.ts), and the index of
 * non-empty outboxes (`webhookPending`) from which lost delivery jobs are set going again.
 */

/** How long the last queued event id is remembered per room: past any crash-and-rerun of a reconcile. */
const LAST_EVENT_TTL_MS = 24 * 3600_000;

export interface QueuedEvent {
  id: string;
  type: MixEventType;
  /** The body as it is sent (and signed): the stored text itself. */
  body: string;
}

const pendingMember = (roomId: string, endpointId: string) => `${endpointId} ${roomId}`;

/** Queues `event` for the endpoint; false when it was the last event queued there (raised again). */
export async function queueEvent(
  store: RoomStore,
  roomId: string,
  endpointId: string,
  event: MixEvent,
  nowMs: number,
): Promise<boolean> {
  // Indexed first: an outbox is never non-empty without its index entry.
  await store.redis.zadd(store.keys.webhookPending, 'NX', nowMs, pendingMember(roomId, endpointId));
  return runWebhookEnqueue(
    store.redis,
    { outbox: store.keys.webhookOutbox(roomId, endpointId), last: store.keys.room(roomId).webhookLast },
    { endpointId, eventId: event.id, body: JSON.stringify(event), lastTtl: LAST_EVENT_TTL_MS },
  );
}

export async function outboxHead(
  store: RoomStore,
  roomId: string,
  endpointId: string,
): Promise<QueuedEvent | undefined> {
  const body = await store.redis.lindex(store.keys.webhookOutbox(roomId, endpointId), 0);
  if (body === null) return undefined;
  const { id, type } = JSON.parse(body) as Pick<MixEvent, 'id' | 'type'>;
  return { id, type, body };
}

/** Attempts made so far to deliver the head `eventId` to the endpoint. */
export async function attemptsMade(
  store: RoomStore,
  roomId: string,
  endpointId: string,
  eventId: string,
): Promise<number> {
  const raw = await store.redis.hget(store.keys.room(roomId).webhookTries, endpointId);
  const [id, count] = (raw ?? '').split(' ');
  return id === eventId ? Number(count) || 0 : 0;
}

export async function recordAttempts(
  store: RoomStore,
  roomId: string,
  endpointId: string,
  eventId: string,
  attempts: number,
): Promise<void> {
  await store.redis.hset(store.keys.room(roomId).webhookTries, endpointId, `${eventId} ${attempts}`);
}

/** The head is delivered or given up: the next one becomes the head. Returns how many remain. */
export function completeHead(
  store: RoomStore,
  roomId: string,
  endpointId: string,
  eventId: string,
): Promise<number> {
  return runWebhookComplete(
    store.redis,
    { outbox: store.keys.webhookOutbox(roomId, endpointId), tries: store.keys.room(roomId).webhookTries },
    { endpointId, eventId },
  );
}

/** An empty outbox leaves the index, unless an event arrived meanwhile; a non-empty one is (re)indexed. */
export async function reindexOutbox(
  store: RoomStore,
  roomId: string,
  endpointId: string,
  nowMs: number,
): Promise<void> {
  const member = pendingMember(roomId, endpointId);
  const outbox = store.keys.webhookOutbox(roomId, endpointId);
  if ((await store.redis.llen(outbox)) > 0) {
    await store.redis.zadd(store.keys.webhookPending, 'NX', nowMs, member);
    return;
  }
  await store.redis.zrem(store.keys.webhookPending, member);
  if ((await store.redis.llen(outbox)) > 0)
    await store.redis.zadd(store.keys.webhookPending, 'NX', nowMs, member);
}

/** The endpoint is gone: its outbox for this room goes too. */
export async function dropOutbox(store: RoomStore, roomId: string, endpointId: string): Promise<void> {
  const room = store.keys.room(roomId);
  await store.redis.del(store.keys.webhookOutbox(roomId, endpointId));
  await store.redis.hdel(room.webhookTries, endpointId);
  await store.redis.hdel(room.webhookLast, endpointId);
  await store.redis.zrem(store.keys.webhookPending, pendingMember(roomId, endpointId));
}

/** Every outbox with events waiting, as (room, endpoint) pairs, a page at a time. */
export async function* pendingOutboxes(
  store: RoomStore,
  pageSize = 500,
): AsyncGenerator<{ roomId: string; endpointId: string }[]> {
  for (let from = 0; ; from += pageSize) {
    const members = await store.redis.zrange(
      store.keys.webhookPending,
      String(from),
      String(from + pageSize - 1),
    );
    if (!members.length) return;
    yield members.map((member) => {
      const space = member.indexOf(' ');
      return { endpointId: member.slice(0, space), roomId: member.slice(space + 1) };
    });
    if (members.length < pageSize) return;
  }
}
