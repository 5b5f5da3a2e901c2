import { randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { QUEUES } from '../../src/queue/catalog.js';
import { redisTarget, workerConnection } from '../../src/queue/connections.js';
import { type LegacyMixBody, type SimRequest, type Stack, startStack } from '../support/stack.js';
import {
  type ReceivedDelivery,
  startWebhookReceiver,
  type WebhookReceiver,
} from '../support/webhook-receiver.js';

/**
 * Webhooks end to end: the simulator, mixkeeper's API and workers, and a real HTTP receiver that
 * verifies every delivery with the `standardwebhooks` package. Retries are short here (20 ms base,
 * 200 ms cap) so a receiver that is down for a while is caught up within the test.
 */

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PAUSE_AFTER = 5;
const PAUSE_MS = 3000;

let stack: Stack;
let receiver: WebhookReceiver;
let webhookQueue: Queue;
let queueConnection: ReturnType<typeof workerConnection>;
let tag = '';
const id = (room: string) => `${room}_${tag}`;
/** Stream ids are new in every test too: a stream left live by one test stays out of the next. */
const st = (stream: string) => `${stream}_${tag}`;

beforeAll(async () => {
  receiver = await startWebhookReceiver([SECRET]);
  stack = await startStack({
    WEBHOOK_URLS: receiver.url,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_RETRY_BASE_MS: '20',
    WEBHOOK_RETRY_CAP_MS: '200',
    WEBHOOK_MAX_ATTEMPTS: '1000',
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_PAUSE_AFTER_FAILURES: String(PAUSE_AFTER),
    WEBHOOK_PAUSE_MS: String(PAUSE_MS),
  });
  queueConnection = workerConnection(redisTarget(stack.config));
  const namespace = stack.service.store.namespace;
  webhookQueue = new Queue(QUEUES.webhookDeliveries, {
    connection: queueConnection,
    prefix: `{${namespace}}`,
  });
}, 60_000);
afterAll(async () => {
  await webhookQueue?.close();
  queueConnection?.disconnect();
  await stack?.close();
  await receiver?.close();
});
beforeEach(() => {
  tag = randomUUID().replaceAll('-', '').slice(0, 8);
  receiver.answer = () => 204;
});

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string, extra: Record<string, string> = {}) => ({ mix_room: room, ...extra });

const ofRoom = (deliveries: ReceivedDelivery[], roomId: string) =>
  deliveries.filter((d) => d.body.data.roomId === roomId);

/** The platform's accepted requests for a room, in order (the simulator's log). */
async function accepted(roomId: string): Promise<SimRequest[]> {
  return ((await stack.requests()) as SimRequest[]).filter(
    (r) => r.code === 0 && r.sessionId.startsWith(`${roomId}_`),
  );
}

/** The event types those requests must have raised: a session's first start, its updates, its end. */
function expectedTypes(requests: SimRequest[]): string[] {
  const seen = new Set<string>();
  return requests.map((r) => {
    if (r.op === 'cancel') return 'mix.ended';
    const first = !seen.has(r.sessionId);
    seen.add(r.sessionId);
    return first ? 'mix.started' : 'mix.updated';
  });
}

/** Everything settled, the webhook deliveries included: nothing waits, is delayed or runs. */
async function allSettled(): Promise<void> {
  await stack.settled(15_000);
  await stack.until(async () => {
    const counts = await webhookQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0 });
  }, 15_000);
}

/** The geometry the platform was sent, per stream: layer and rect as Mix_StreamV2 carries them. */
function sentGeometry(request: SimRequest) {
  const inputs = (request.body as LegacyMixBody).interface.para.input_stream_list ?? [];
  return Object.fromEntries(
    inputs.map((input) => {
      const p = input.layout_params;
      return [
        input.input_stream_id,
        {
          z: p.image_layer,
          ...(p.image_width !== undefined
            ? {
                rect: {
                  x: p.location_x ?? 0,
                  y: p.location_y ?? 0,
                  width: p.image_width,
                  height: p.image_height,
                },
              }
            : {}),
        },
      ];
    }),
  );
}

describe('what is sent', () => {
  test('a join-leave sequence raises started, updated and ended, each with the geometry the platform was sent', async () => {
    const room = id('jl');
    await stack.push(st('host_a'), main(room));
    await stack.push(st('guest_b'), guest(room));
    await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(1), 15_000);
    await stack.push(st('guest_c'), guest(room));
    await stack.push(st('voice_d'), guest(room, { mix_media: 'audio' }));
    await stack.until(async () => {
      const last = ofRoom(receiver.delivered(), room).at(-1);
      expect(last?.body.data.tiles.map((t) => t.streamId).sort()).toEqual([
        st('guest_b'),
        st('guest_c'),
        st('host_a'),
        st('voice_d'),
      ]);
    }, 15_000);
    await stack.stop(st('guest_b'));
    await stack.stop(st('guest_c'));
    await stack.stop(st('voice_d'));
    await stack.until(
      async () => expect(ofRoom(receiver.delivered(), room).at(-1)?.type).toBe('mix.ended'),
      15_000,
    );
    await allSettled();

    const requests = await accepted(room);
    const events = ofRoom(receiver.delivered(), room);
    // One event per accepted platform change, in order, each verified by the receiver's secret.
    expect(events.map((e) => e.type)).toEqual(expectedTypes(requests));
    expect(events[0]?.type).toBe('mix.started');
    expect(events.map((e) => e.type)).toContain('mix.updated');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    for (const event of events) {
      expect(event.verifiedBy).toBe(0);
      expect(event.body.id).toBe(event.id);
    }
    // Each start's event shows what that start sent: z-order and rect per stream, in output pixels.
    for (const [i, request] of requests.entries()) {
      const event = events[i]!;
      expect(event.body.data.sessionId).toBe(request.sessionId);
      if (request.op === 'cancel') {
        expect(event.body.data.tiles).toEqual([]);
        continue;
      }
      const sent = sentGeometry(request);
      const { output, tiles } = event.body.data;
      expect(output).toEqual({ streamId: st('host_a'), width: 540, height: 960 });
      expect(tiles.map((t) => t.streamId).sort()).toEqual(Object.keys(sent).sort());
      for (const tile of tiles) {
        const platform = sent[tile.streamId]!;
        expect(tile.z).toBe(platform.z);
        if (tile.streamId === st('host_a')) {
          // The background: the whole output.
          expect(tile).toMatchObject({
            role: 'main',
            media: 'av',
            rect: { x: 0, y: 0, width: 540, height: 960 },
          });
        } else if (tile.streamId === st('voice_d')) {
          // Audio only: listed, without a rect.
          expect(tile).toMatchObject({ role: 'guest', media: 'audio' });
          expect(tile.rect).toBeUndefined();
        } else {
          expect(tile).toMatchObject({ role: 'guest', media: 'av', rect: platform.rect });
        }
      }
    }
    // No secret, token or stream parameter in any body.
    const bodies = JSON.stringify(events.map((e) => e.body));
    expect(bodies).not.toContain(SECRET.slice(6, 20));
    expect(bodies).not.toContain('mix_room');
    expect(bodies).not.toContain(stack.adminToken);
  });

  test('a permanent refusal raises mix.failed, the next accepted start mix.recovered; a deletion ends with room.deleted', async () => {
    const room = id('fail');
    await stack.faults({ script: [{ op: 'start', code: -300 }] });
    await stack.push(st('host_a'), main(room));
    await stack.push(st('guest_b'), guest(room));
    await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(1), 15_000);
    expect(ofRoom(receiver.delivered(), room)[0]?.body).toMatchObject({
      type: 'mix.failed',
      data: {
        roomId: room,
        tiles: [],
        error: { code: -300, message: expect.any(String), hint: expect.any(String) },
      },
    });
    await stack.push(st('guest_c'), guest(room));
    await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(2), 15_000);
    expect(ofRoom(receiver.delivered(), room)[1]?.body.data.tiles).toHaveLength(3);
    const deleted = await fetch(`${stack.service.url}/v1/rooms/${room}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(deleted.status).toBe(202);
    await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(4), 15_000);
    await allSettled();
    expect(ofRoom(receiver.delivered(), room).map((d) => d.type)).toEqual([
      'mix.failed',
      'mix.recovered',
      'mix.ended',
      'room.deleted',
    ]);
  });

  test('a duplicate callback raises no second event', async () => {
    const room = id('dup');
    await stack.faults({ callbackDuplicate: 1 });
    try {
      await stack.push(st('host_a'), main(room));
      await stack.push(st('guest_b'), guest(room));
      await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(1), 15_000);
      await allSettled();
    } finally {
      await stack.faults({ callbackDuplicate: 0 });
    }
    // Both pushes reached mixkeeper twice.
    const callbacks = (await (await fetch(`${stack.sim.url}/sim/callbacks`)).json()) as {
      duplicate: boolean;
      delivered: boolean;
      body: unknown;
    }[];
    const copies = callbacks.filter(
      (c) => c.duplicate && c.delivered && JSON.stringify(c.body).includes(room),
    );
    expect(copies).toHaveLength(2);
    expect(await accepted(room)).toHaveLength(1);
    expect(ofRoom(receiver.attempts, room).map((a) => a.type)).toEqual(['mix.started']);
  });
});

describe('how it is delivered', () => {
  test('a receiver down for a while gets every event, in order, once it is back', async () => {
    const room = id('down');
    let down = true;
    receiver.answer = (d) => (d.body.data.roomId === room && down ? 503 : 204);
    await stack.push(st('host_a'), main(room));
    await stack.push(st('guest_b'), guest(room));
    await stack.until(async () => expect((await accepted(room)).length).toBe(1), 15_000);
    await stack.push(st('guest_c'), guest(room));
    await stack.until(async () => expect((await accepted(room)).length).toBe(2), 15_000);
    await stack.stop(st('guest_b'));
    await stack.stop(st('guest_c'));
    await stack.until(async () => expect((await accepted(room)).at(-1)?.op).toBe('cancel'), 15_000);
    await stack.until(async () =>
      expect(ofRoom(receiver.attempts, room).filter((a) => a.answered === 503).length).toBeGreaterThan(3),
    );
    expect(ofRoom(receiver.delivered(), room)).toEqual([]);
    down = false;
    const requests = await accepted(room);
    await stack.until(
      async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(requests.length),
      20_000,
    );
    await allSettled();
    const events = ofRoom(receiver.delivered(), room);
    expect(events.map((e) => e.type)).toEqual(expectedTypes(requests));
    // While the first event was retrying, nothing later was tried: attempts follow the events' order.
    const order = events.map((e) => e.id);
    const tried = ofRoom(receiver.attempts, room).map((a) => order.indexOf(a.id));
    expect(tried).toEqual([...tried].sort((a, b) => a - b));
    expect(tried.filter((i) => i === 0).length).toBeGreaterThan(3);
  });

  test('a receiver answering 410 is given up on, and the room’s timeline records it', async () => {
    const room = id('gone');
    receiver.answer = (d) => (d.body.data.roomId === room && d.type === 'mix.started' ? 410 : 204);
    await stack.push(st('host_a'), main(room));
    await stack.push(st('guest_b'), guest(room));
    await stack.until(async () => expect(ofRoom(receiver.attempts, room)).toHaveLength(1), 15_000);
    // The next event is not held up by the one given up.
    await stack.push(st('guest_c'), guest(room));
    await stack.until(async () => expect(ofRoom(receiver.delivered(), room)).toHaveLength(1), 15_000);
    await allSettled();
    const attempts = ofRoom(receiver.attempts, room);
    expect(attempts.map((a) => [a.type, a.answered])).toEqual([
      ['mix.started', 410],
      ['mix.updated', 204],
    ]);
    const res = await fetch(`${stack.service.url}/v1/rooms/${room}/events?limit=50`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    const { events } = (await res.json()) as { events: Record<string, unknown>[] };
    const webhooks = events.filter((e) => e.type === 'webhook');
    expect(webhooks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ event: 'mix.started', outcome: 'gave_up', status: 410, attempt: 1 }),
        expect.objectContaining({ event: 'mix.updated', outcome: 'delivered', status: 204, attempt: 1 }),
      ]),
    );
    const metrics = await (await fetch(`${stack.service.url}/metrics`)).text();
    expect(metrics).toMatch(
      /mixkeeper_webhook_deliveries_total\{event="mix.started",outcome="gave_up"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /mixkeeper_webhook_delivery_seconds_count\{event="mix.updated",outcome="delivered"\} [1-9]/,
    );
  });

  test('an endpoint that keeps failing is paused and shown, not hammered', async () => {
    const failing = await startWebhookReceiver([SECRET]);
    failing.answer = () => 500;
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${stack.service.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      });
    try {
      const prefix = id('paused');
      const added = (await (
        await api('/v1/webhooks', {
          method: 'POST',
          body: JSON.stringify({ url: failing.url, roomPrefix: prefix }),
        })
      ).json()) as { id: string };
      // Events of several rooms, so failures come from all sides.
      for (const n of [1, 2, 3]) {
        await stack.push(st(`host_${n}`), main(`${prefix}${n}`));
        await stack.push(st(`guest_${n}`), guest(`${prefix}${n}`));
      }
      type Listed = { id: string; health: { failures: number; paused: boolean; pausedUntil?: number } };
      let shown: Listed | undefined;
      await stack.until(async () => {
        const { webhooks } = (await (await api('/v1/webhooks')).json()) as { webhooks: Listed[] };
        shown = webhooks.find((w) => w.id === added.id);
        expect(shown?.health.paused).toBe(true);
      }, 15_000);
      expect(shown?.health.failures).toBeGreaterThanOrEqual(PAUSE_AFTER);
      const metrics = await (await fetch(`${stack.service.url}/metrics`)).text();
      expect(metrics).toContain(`mixkeeper_webhook_endpoint_paused{endpoint="${added.id}"} 1`);
      // While paused, nothing is sent to it: failures stop at the one that paused it (and any in flight).
      const pausedAt = failing.attempts.length;
      const until = shown?.health.pausedUntil ?? 0;
      const quiet = Math.min(until - Date.now() - 200, 1000);
      if (quiet > 0) await new Promise((resolve) => setTimeout(resolve, quiet));
      expect(failing.attempts.length - pausedAt).toBeLessThanOrEqual(2);
      expect((await api(`/v1/webhooks/${added.id}`, { method: 'DELETE' })).status).toBe(204);
    } finally {
      await failing.close();
    }
  });
});
