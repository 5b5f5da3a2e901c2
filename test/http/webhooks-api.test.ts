import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HARNESS_WEBHOOK_SECRET, useAdminApp } from '../support/admin-harness.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

/** `/v1/webhooks`: endpoints listed, added, removed and sent a test event; the events in the OpenAPI document. */

const h = useAdminApp();
let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver([HARNESS_WEBHOOK_SECRET]);
});
afterAll(() => receiver.close());

interface Listed {
  id: string;
  url: string;
  source: string;
  events?: string[];
  roomPrefix?: string;
  health: { failures: number; paused: boolean };
}
const list = async () =>
  (await (await h.request('/v1/webhooks')).json()) as {
    webhooks: Listed[];
    signing: { configured: boolean };
  };

describe('/v1/webhooks', () => {
  test('an endpoint added with filters is listed (its query values hidden), then removed', async () => {
    const res = await h.json('/v1/webhooks', 'POST', {
      url: `${receiver.url}?token=t0ps3cret`,
      events: ['mix.started', 'mix.ended'],
      roomPrefix: 'live_',
    });
    expect(res.status).toBe(201);
    const added = (await res.json()) as Listed;
    expect(added).toMatchObject({
      id: expect.stringMatching(/^wh-[0-9a-f]{16}$/),
      url: `${receiver.url}?token=***`,
      source: 'api',
      events: ['mix.started', 'mix.ended'],
      roomPrefix: 'live_',
      health: { failures: 0, paused: false },
    });
    const listed = await list();
    expect(listed.signing.configured).toBe(true);
    expect(listed.webhooks.map((w) => w.id)).toContain(added.id);
    expect(JSON.stringify(listed)).not.toContain('t0ps3cret');

    expect((await h.request(`/v1/webhooks/${added.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await list()).webhooks.map((w) => w.id)).not.toContain(added.id);
    expect((await h.request(`/v1/webhooks/${added.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  test('a test event is signed and verified by the receiver, and its answer reported', async () => {
    const added = (await (await h.json('/v1/webhooks', 'POST', { url: receiver.url })).json()) as Listed;
    const res = await h.request(`/v1/webhooks/${added.id}/test`, { method: 'POST' });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { delivered: boolean; status: number; eventId: string };
    expect(answer).toMatchObject({ delivered: true, status: 204 });
    const got = receiver.attempts.find((a) => a.id === answer.eventId);
    expect(got).toMatchObject({
      type: 'webhook.test',
      verifiedBy: 0,
      body: { data: { endpointId: added.id } },
    });

    receiver.answer = () => 410;
    const refused = (await (await h.request(`/v1/webhooks/${added.id}/test`, { method: 'POST' })).json()) as {
      delivered: boolean;
      status: number;
    };
    expect(refused).toMatchObject({ delivered: false, status: 410 });
    receiver.answer = () => 204;
    expect((await h.request('/v1/webhooks/wh-nosuch/test', { method: 'POST' })).status).toBe(404);
  });

  test.each([
    [{ url: 'ftp://example.com/h' }, 'url'],
    [{ url: 'https://example.com/h', events: ['mix.exploded'] }, 'events'],
    [{ url: 'https://example.com/h', roomPrefix: 'a b' }, 'roomPrefix'],
    [{ url: 'https://example.com/h', secret: 'x' }, 'secret'],
  ])('a bad endpoint is refused with 400 naming the field: %j', async (body, field) => {
    const res = await h.json('/v1/webhooks', 'POST', body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain(field);
  });

  test('/openapi.json (3.1) documents every event type as a webhook with the one MixEvent schema', async () => {
    const doc = (await (await h.request('/openapi.json')).json()) as {
      openapi: string;
      webhooks: Record<
        string,
        { post: { requestBody: { content: { 'application/json': { schema: unknown } } } } }
      >;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
      paths: Record<string, unknown>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.webhooks).sort()).toEqual(
      [
        'mix.ended',
        'mix.failed',
        'mix.recovered',
        'mix.started',
        'mix.updated',
        'room.deleted',
        'webhook.test',
      ].sort(),
    );
    expect(doc.webhooks['mix.updated']?.post.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/MixEvent',
    });
    expect(Object.keys(doc.components.schemas.MixEvent?.properties ?? {})).toEqual([
      'id',
      'type',
      'timestamp',
      'data',
    ]);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/webhooks', '/v1/webhooks/{id}', '/v1/webhooks/{id}/test']),
    );
  });
});

describe('a secret rotation', () => {
  const [oldSecret, newSecret] = [1, 2].map(() => `whsec_${randomBytes(32).toString('base64')}`);
  const rotating = useAdminApp({
    webhookEnv: { WEBHOOK_SECRET: newSecret!, WEBHOOK_SECRET_PREVIOUS: oldSecret! },
  });

  test('each delivery carries both signatures: receivers holding the old or the new secret both verify it', async () => {
    for (const secret of [oldSecret!, newSecret!]) {
      const holder = await startWebhookReceiver([secret]);
      try {
        const added = (await (
          await rotating.json('/v1/webhooks', 'POST', { url: holder.url })
        ).json()) as Listed;
        const res = await rotating.request(`/v1/webhooks/${added.id}/test`, { method: 'POST' });
        expect(await res.json()).toMatchObject({ delivered: true, status: 204 });
        expect(holder.attempts).toEqual([expect.objectContaining({ verifiedBy: 0, answered: 204 })]);
      } finally {
        await holder.close();
      }
    }
    const listed = (await (await rotating.request('/v1/webhooks')).json()) as {
      signing: { rotating: boolean };
    };
    expect(listed.signing.rotating).toBe(true);
  });
});
