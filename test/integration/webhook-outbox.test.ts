import { describe, expect, test } from 'vitest';
import { encodeAuditFields, readAudit } from '../../src/rooms/audit.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import { runWebhookAudit } from '../../src/rooms/scripts/webhook-outbox.js';
import type { MixEvent } from '../../src/webhooks/event.js';
import {
  attemptsMade,
  completeHead,
  dropOutbox,
  outboxHead,
  pendingOutboxes,
  queueEvent,
  recordAttempts,
  reindexOutbox,
} from '../../src/webhooks/outbox.js';
import { useRedis } from '../support/redis.js';

/** The webhook outboxes on a real Redis: order, the dedup of a change raised twice, one head in flight. */

const { redis, namespace } = useRedis();
const store = new RoomStore(redis, { namespace, auditCap: 20 });
const T0 = 1_800_000_000_000;

const event = (id: string, type: MixEvent['type'] = 'mix.updated', roomId = 'r1'): MixEvent => ({
  id,
  type,
  timestamp: new Date(T0).toISOString(),
  data: { roomId, sessionId: `${roomId}_1`, tiles: [] },
});

async function drain(roomId: string, endpointId: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const head = await outboxHead(store, roomId, endpointId);
    if (!head) return ids;
    ids.push(head.id);
    await completeHead(store, roomId, endpointId, head.id);
  }
}

describe('a room’s outbox for one endpoint', () => {
  test('keeps events in the order raised, and sends each body exactly as queued', async () => {
    for (const id of ['evt_a', 'evt_b', 'evt_c'])
      expect(await queueEvent(store, 'r1', 'ep1', event(id), T0)).toBe(true);
    const head = await outboxHead(store, 'r1', 'ep1');
    expect(JSON.parse(head!.body)).toEqual(event('evt_a'));
    expect(await drain('r1', 'ep1')).toEqual(['evt_a', 'evt_b', 'evt_c']);
  });

  test('a change raised twice (a crash between queueing it and writing the room) is queued once', async () => {
    expect(await queueEvent(store, 'r2', 'ep1', event('evt_x', 'mix.started', 'r2'), T0)).toBe(true);
    expect(await queueEvent(store, 'r2', 'ep1', event('evt_x', 'mix.started', 'r2'), T0 + 5000)).toBe(false);
    // Still dropped once delivered: the receiver has it.
    expect(await drain('r2', 'ep1')).toEqual(['evt_x']);
    expect(await queueEvent(store, 'r2', 'ep1', event('evt_x', 'mix.started', 'r2'), T0 + 9000)).toBe(false);
    // Another endpoint gets it all the same; a new event goes through.
    expect(await queueEvent(store, 'r2', 'ep2', event('evt_x', 'mix.started', 'r2'), T0)).toBe(true);
    expect(await queueEvent(store, 'r2', 'ep1', event('evt_y', 'mix.updated', 'r2'), T0)).toBe(true);
  });

  test('completing an event that is no longer the head leaves the head alone; attempts belong to the head', async () => {
    await queueEvent(store, 'r3', 'ep1', event('evt_1', 'mix.started', 'r3'), T0);
    await queueEvent(store, 'r3', 'ep1', event('evt_2', 'mix.updated', 'r3'), T0);
    await recordAttempts(store, 'r3', 'ep1', 'evt_1', 3);
    expect(await attemptsMade(store, 'r3', 'ep1', 'evt_1')).toBe(3);
    expect(await attemptsMade(store, 'r3', 'ep1', 'evt_2')).toBe(0);
    expect(await completeHead(store, 'r3', 'ep1', 'evt_2')).toBe(2);
    expect((await outboxHead(store, 'r3', 'ep1'))?.id).toBe('evt_1');
    expect(await completeHead(store, 'r3', 'ep1', 'evt_1')).toBe(1);
    expect(await attemptsMade(store, 'r3', 'ep1', 'evt_1')).toBe(0);
  });

  test('non-empty outboxes are listed for the sweep until drained; a dropped one is gone', async () => {
    await queueEvent(store, 'r4', 'ep9', event('evt_p', 'mix.started', 'r4'), T0);
    await queueEvent(store, 'r5', 'ep9', event('evt_q', 'mix.started', 'r5'), T0);
    const listed = async () => {
      const all: string[] = [];
      for await (const page of pendingOutboxes(store, 2))
        all.push(...page.map((p) => `${p.endpointId} ${p.roomId}`));
      return all;
    };
    expect(await listed()).toEqual(expect.arrayContaining(['ep9 r4', 'ep9 r5']));
    await drain('r4', 'ep9');
    await reindexOutbox(store, 'r4', 'ep9', T0);
    await dropOutbox(store, 'r5', 'ep9');
    expect(await listed()).not.toEqual(expect.arrayContaining(['ep9 r4']));
    expect(await listed()).not.toEqual(expect.arrayContaining(['ep9 r5']));
    expect(await outboxHead(store, 'r5', 'ep9')).toBeUndefined();
  });
});

describe('a delivery in the room’s timeline', () => {
  test('is appended at the room’s version, positionally, and read back as an object', async () => {
    await updateRoom(store, 'r6', { status: 'mixing' }, T0);
    const fields = encodeAuditFields('webhook', {
      outcome: 'delivered',
      event: 'mix.started',
      endpoint: 'ep1',
      status: 204,
      ms: 12,
      attempt: 1,
      id: 'evt_1',
    });
    expect(
      await runWebhookAudit(redis, store.keys.room('r6'), {
        at: T0,
        auditCap: 20,
        auditType: 'webhook',
        auditFields: fields,
      }),
    ).toBe(true);
    expect(await readAudit(store, 'r6')).toEqual([
      {
        at: T0,
        v: 0,
        type: 'webhook',
        outcome: 'delivered',
        event: 'mix.started',
        endpoint: 'ep1',
        status: 204,
        ms: 12,
        attempt: 1,
        id: 'evt_1',
      },
    ]);
  });

  test('is not written for a room that is gone (room.deleted), so no orphan timeline is left', async () => {
    const fields = encodeAuditFields('webhook', { outcome: 'delivered', event: 'room.deleted' });
    expect(
      await runWebhookAudit(redis, store.keys.room('gone'), {
        at: T0,
        auditCap: 20,
        auditType: 'webhook',
        auditFields: fields,
      }),
    ).toBe(false);
    expect(await redis.exists(store.keys.room('gone').audit)).toBe(0);
  });
});
