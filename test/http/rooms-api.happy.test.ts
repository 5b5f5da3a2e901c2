import { assert, describe, expect, test } from 'vitest';
import type { RoomBody } from '../../src/http/rooms/room-view.js';
import type { MixPlan } from '../../src/layout/plan.js';
import { readAudit } from '../../src/rooms/audit.js';
import { forgetRoom } from '../../src/rooms/operator-changes.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import { T0, useAdminApp } from '../support/admin-harness.js';

const h = useAdminApp();
let counter = 0;
const roomId = (label: string) => `${label}${++counter}`;

async function room(id: string): Promise<RoomBody> {
  const res = await h.request(`/v1/rooms/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as RoomBody;
}

/** A room with a main and a guest that the platform mixes as desired. */
async function mixingRoom(label: string) {
  const id = roomId(label);
  await h.push(id, 'host_a', 'main');
  await h.push(id, 'guest_b');
  const desired = (await room(id)).desired as MixPlan;
  await h.markMixing(id, desired);
  return id;
}

describe('GET /v1/rooms', () => {
  test('pages through every room exactly once, newest first, and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      h.clock.now = T0 + i * 1000;
      const id = roomId('list');
      ids.push(id);
      await h.push(id, `s${i}`);
    }
    h.clock.now = T0 + 9000;
    const mixing = await mixingRoom('listmix');
    h.clock.now = T0;

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query = new URLSearchParams({ limit: '2', ...(cursor ? { cursor } : {}) });
      const res = await h.request(`/v1/rooms?${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { rooms: { id: string }[]; nextCursor: string | null };
      expect(body.rooms.length).toBeLessThanOrEqual(2);
      seen.push(...body.rooms.map((r) => r.id));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(seen).toEqual([mixing, ...[...ids].reverse()]);
    expect(pages).toBe(3);

    const filtered = await h.request('/v1/rooms?status=mixing&limit=200');
    const body = (await filtered.json()) as { rooms: { id: string; status: string; sessionId: string }[] };
    expect(body.rooms.map((r) => r.id)).toContain(mixing);
    expect(body.rooms.every((r) => r.status === 'mixing')).toBe(true);
    expect(body.rooms.find((r) => r.id === mixing)?.sessionId).toBe(`${mixing}_1`);
  });
});

describe('GET /v1/rooms/:id and its pictures and events', () => {
  test('shows who is on air, the desired plan with its reasons, and whether the platform runs it', async () => {
    const id = roomId('get');
    await h.push(id, 'host_a', 'main', T0);
    await h.push(id, 'guest_b', 'guest', T0 + 1);
    const before = await room(id);
    expect(before.streams.map((s) => [s.streamId, s.role, s.state])).toEqual([
      ['host_a', 'main', 'live'],
      ['guest_b', 'guest', 'live'],
    ]);
    expect(before.desired?.inputs.map((t) => t.streamId)).toEqual(['host_a', 'guest_b']);
    expect(before.explain.join(' ')).toMatch(/host_a/);
    expect(before.inSync).toBe(false);
    await h.markMixing(id, before.desired as MixPlan);
    expect((await room(id)).inSync).toBe(true);
  });

  test('layout.svg draws the desired plan; applied.svg the mix on air, or says there is none', async () => {
    const id = roomId('svg');
    await h.push(id, 'host_a', 'main');
    await h.push(id, 'guest_b');
    const desired = await h.request(`/v1/rooms/${id}/layout.svg?size=200`);
    expect(desired.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const desiredSvg = await desired.text();
    expect(desiredSvg).toMatch(/^<svg/);
    expect(desiredSvg).toContain('guest_b');
    // "Now" must not be cached; a versioned URL (the pages') names one picture and may be.
    expect(desired.headers.get('cache-control')).toBe('no-store');
    const versioned = await h.request(`/v1/rooms/${id}/layout.svg?v=abc`);
    expect(versioned.headers.get('cache-control')).toMatch(/max-age=\d+/);

    const none = await (await h.request(`/v1/rooms/${id}/applied.svg`)).text();
    expect(none).not.toContain('guest_b');
    expect(none).toMatch(/no mix/);
    await h.markMixing(id, (await room(id)).desired as MixPlan);
    expect(await (await h.request(`/v1/rooms/${id}/applied.svg`)).text()).toContain('guest_b');
  });

  test('the events are the audit log, newest first, with times and versions', async () => {
    const id = roomId('events');
    await h.push(id, 'host_a', 'main', T0 + 1);
    await h.push(id, 'guest_b', 'guest', T0 + 2);
    const res = await h.request(`/v1/rooms/${id}/events?limit=10`);
    const body = (await res.json()) as { events: { type: string; stream: string; v: number; at: number }[] };
    expect(body.events.map((e) => [e.type, e.stream, e.v, e.at])).toEqual([
      ['callback', 'guest_b', 2, T0 + 2],
      ['callback', 'host_a', 1, T0 + 1],
    ]);
  });
});

describe('PUT /v1/rooms/:id', () => {
  test('stores the config, bumps the version, logs it and asks for a reconcile', async () => {
    const id = roomId('put');
    await h.push(id, 'host_a', 'main');
    await h.push(id, 'guest_b');
    const res = await h.json(`/v1/rooms/${id}`, 'PUT', {
      preset: 'grid',
      canvas: { width: 1280, height: 720 },
      output: { type: 1 },
      background: { color: '0x112233' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as RoomBody;
    expect(body.version).toBe(3);
    expect(body.desired?.preset).toBe('grid');
    expect(body.desired?.canvas).toEqual({ width: 1280, height: 720 });
    expect((await readRoom(h.store, id))?.config).toEqual({
      preset: 'grid',
      canvas: { width: 1280, height: 720 },
      output: { type: 1 },
      background: { color: '0x112233' },
    });
    expect((await readAudit(h.store, id, 1))[0]).toMatchObject({ type: 'config', v: 3 });
    expect((await h.reconcileJob(id))?.data).toEqual({ roomId: id });
  });

  test('configures a room nobody joined yet, which then appears in the listing', async () => {
    const id = roomId('fresh');
    const res = await h.json(`/v1/rooms/${id}`, 'PUT', { preset: 'pk' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as RoomBody).config).toEqual({ preset: 'pk' });
    const list = (await (await h.request('/v1/rooms?limit=200')).json()) as { rooms: { id: string }[] };
    expect(list.rooms.map((r) => r.id)).toContain(id);
  });
});

describe('POST /v1/rooms/:id/plan', () => {
  test('a join: the plan, the wait for readiness, the start body that would follow; nothing stored or queued', async () => {
    const id = await mixingRoom('plan');
    const versionBefore = (await room(id)).version;
    const auditBefore = await readAudit(h.store, id);
    const res = await h.json(`/v1/rooms/${id}/plan`, 'POST', {
      join: [{ streamId: 'guest_c', width: 540, height: 960 }],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      plan: MixPlan;
      decision: { kind: string; until: number };
      request: {
        op: string;
        sessionId: string;
        at: number;
        body: { interface: { para: Record<string, unknown> } };
      };
      svg: string;
      explain: string[];
      check: { ok: boolean };
    };
    expect(body.plan.inputs.map((t) => t.streamId)).toEqual(['host_a', 'guest_b', 'guest_c']);
    expect(body.check.ok).toBe(true);
    expect(body.decision).toMatchObject({ kind: 'wait', until: T0 + 5000 });
    expect(body.request).toMatchObject({
      op: 'start',
      sessionId: `${id}_1`,
      at: T0 + 5000,
      backend: 'legacy',
      action: 'mix_streamv2.start_mix_stream_advanced',
    });
    const para = body.request.body.interface.para as { input_stream_list: { input_stream_id: string }[] };
    expect(para.input_stream_list.map((i) => i.input_stream_id)).toEqual(['host_a', 'guest_b', 'guest_c']);
    expect(body.svg).toContain('guest_c');
    expect(body.explain.length).toBeGreaterThan(0);

    expect((await room(id)).version).toBe(versionBefore);
    expect(await readAudit(h.store, id)).toEqual(auditBefore);
    expect(await h.reconcileJob(id)).toBeUndefined();
  });

  test('a leave down to one stream: the cancel that would be sent once the session is old enough', async () => {
    const id = await mixingRoom('planleave');
    const res = await h.json(`/v1/rooms/${id}/plan`, 'POST', { leave: ['guest_b'] });
    const body = (await res.json()) as {
      plan: null;
      decision: { kind: string };
      request: { op: string; at: number };
    };
    expect(body.plan).toBeNull();
    expect(body.decision.kind).toBe('wait');
    expect(body.request).toMatchObject({
      op: 'cancel',
      at: T0 + 5000,
      backend: 'legacy',
      action: 'mix_streamv2.cancel_mix_stream',
    });
  });

  test('without a body: what the room would send now (nothing, when in step)', async () => {
    const id = await mixingRoom('plannow');
    const res = await h.request(`/v1/rooms/${id}/plan`, { method: 'POST' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { decision: { kind: string }; request: unknown };
    expect(body.decision.kind).toBe('noop');
    expect(body.request).toBeNull();
  });

  test('a config to try: the plan it would give, the room keeps its own', async () => {
    const id = await mixingRoom('planconfig');
    h.clock.now = T0 + 10_000;
    const res = await h.json(`/v1/rooms/${id}/plan`, 'POST', { config: { preset: 'grid' } });
    const body = (await res.json()) as { plan: MixPlan; decision: { kind: string } };
    expect(body.plan.preset).toBe('grid');
    expect(body.decision.kind).toBe('start');
    const state = await readRoom(h.store, id);
    expect(state?.meta.status).toBe('mixing');
    expect(state?.config).toBeUndefined();
  });
});

describe('POST /v1/rooms/:id/reconcile', () => {
  test('clears the failure of a failed room and asks for a reconcile at once', async () => {
    const id = roomId('force');
    await h.push(id, 'host_a', 'main');
    await h.push(id, 'guest_b');
    await updateRoom(h.store, id, { status: 'failed', failedVersion: 2 }, T0);
    const res = await h.request(`/v1/rooms/${id}/reconcile`, { method: 'POST' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ roomId: id, accepted: 'reconcile, failure cleared' });
    const state = await readRoom(h.store, id);
    assert(state, 'the room is stored');
    expect(state.meta.failedVersion).toBeUndefined();
    const job = await h.reconcileJob(id);
    expect(job?.opts.delay).toBe(0);
    expect((await readAudit(h.store, id, 1))[0]).toMatchObject({ type: 'operator', action: 'reconcile' });
  });
});

describe('POST /v1/rooms/:id/override', () => {
  test('pins a layout for N minutes, then the rules apply again; DELETE ends it early', async () => {
    const id = await mixingRoom('override');
    const res = await h.json(`/v1/rooms/${id}/override`, 'POST', { minutes: 2, config: { preset: 'grid' } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as RoomBody;
    expect(body.override).toEqual({ config: { preset: 'grid' }, at: T0, until: T0 + 120_000 });
    expect(body.desired?.preset).toBe('grid');
    expect(await h.reconcileJob(id)).toBeDefined();

    h.clock.now = T0 + 120_000;
    const after = await room(id);
    expect(after.override).toBeNull();
    expect(after.desired?.preset).toBe('pip');
    h.clock.now = T0;

    await h.json(`/v1/rooms/${id}/override`, 'POST', { minutes: 10, config: { preset: 'grid' } });
    const ended = await h.request(`/v1/rooms/${id}/override`, { method: 'DELETE' });
    expect(ended.status).toBe(200);
    expect(((await ended.json()) as RoomBody).desired?.preset).toBe('pip');
  });
});

describe('DELETE /v1/rooms/:id', () => {
  test('marks the room for deletion: nothing desired, listed as deleting, a reconcile asked for', async () => {
    const id = await mixingRoom('delete');
    const res = await h.request(`/v1/rooms/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(202);
    const body = await room(id);
    expect(body.deleting).toBe(true);
    expect(body.desired).toBeNull();
    expect(body.applied?.sessionId).toBe(`${id}_1`);
    expect((await h.reconcileJob(id))?.opts.delay).toBe(0);
    const list = (await (await h.request('/v1/rooms?status=deleting')).json()) as { rooms: { id: string }[] };
    expect(list.rooms.map((r) => r.id)).toEqual([id]);
  });

  test('forget removes every key and the index entry, but only at the version the reconcile read', async () => {
    const id = roomId('forget');
    await h.push(id, 'host_a', 'main');
    await h.request(`/v1/rooms/${id}`, { method: 'DELETE' });
    const version = (await readRoom(h.store, id))!.meta.version;
    await h.push(id, 'guest_b');
    expect(await forgetRoom(h.store, id, version, T0)).toBe(false);
    expect(await h.redis.zscore(h.store.keys.index, id)).not.toBeNull();
    const now = (await readRoom(h.store, id))!.meta.version;
    expect(await forgetRoom(h.store, id, now, T0)).toBe(true);
    expect(await readRoom(h.store, id)).toBeNull();
    expect(await h.redis.zscore(h.store.keys.index, id)).toBeNull();
    const left = await h.redis.keys(`${h.namespace}:{room:${id}}:*`);
    expect(left.filter((key) => !/:(latest-push|tombs)$/.test(key))).toEqual([]);
  });
});

describe('docs and dashboard', () => {
  test('/openapi.json documents every rooms route; /docs serves the reference', async () => {
    const res = await h.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/v1/layouts',
      '/v1/layouts/{name}',
      '/v1/rooms',
      '/v1/rooms/{id}',
      '/v1/rooms/{id}/applied.svg',
      '/v1/rooms/{id}/events',
      '/v1/rooms/{id}/layout.svg',
      '/v1/rooms/{id}/override',
      '/v1/rooms/{id}/plan',
      '/v1/rooms/{id}/reconcile',
      '/v1/webhooks',
      '/v1/webhooks/{id}',
      '/v1/webhooks/{id}/test',
    ]);
    expect(Object.keys(doc.paths['/v1/rooms/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
    const docs = await h.request('/docs');
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('/docs/assets/init.js');
    // The reference starts from a script of ours that points it at the document.
    expect(await (await h.request('/docs/assets/init.js')).text()).toContain('/openapi.json');
  });

  test('the document names the plan’s own schema: MixPlan and Tile, a desired plan that may be null', async () => {
    type Schema = {
      anyOf?: Schema[];
      $ref?: string;
      nullable?: boolean;
      type?: string;
      enum?: unknown[];
      required?: string[];
    };
    const doc = (await (await h.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, Schema & { properties: Record<string, Schema> }> };
    };
    const { Room, MixPlan, Tile } = doc.components.schemas;
    expect(Room?.properties.desired?.anyOf).toEqual([
      { $ref: '#/components/schemas/MixPlan' },
      { type: 'null' },
    ]);
    expect(Room?.properties.applied?.anyOf).toEqual([
      { $ref: '#/components/schemas/AppliedMix' },
      { type: 'null' },
    ]);
    expect(MixPlan?.nullable).toBeUndefined();
    expect(MixPlan?.properties.inputs).toEqual({
      type: 'array',
      items: { $ref: '#/components/schemas/Tile' },
    });
    expect(Tile?.properties.inputType?.anyOf?.flatMap((type) => type.enum)).toEqual([0, 2, 3, 4, 5]);
    expect(Tile?.required).toEqual(['streamId', 'layer', 'inputType', 'role']);
  });

  test('bull-board lists every queue, read-only, with secrets in job data redacted', async () => {
    await h.eventsQueue.add('push', {
      kind: 'push',
      streamId: 'host_a',
      sequence: '1',
      eventTimeMs: T0,
      receivedAt: T0,
      domain: 'push.example.com',
      appName: 'live',
      params: { mix_room: 'r1', txSecret: 'push-secret-value', txTime: '5C271099' },
      width: 540,
      height: 960,
      errcode: 0,
    });
    const page = await h.request('/admin/queues');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('mixkeeper queues');
    const api = await h.request('/admin/queues/api/queues?activeQueue=live-events&status=latest&page=1');
    expect(api.status).toBe(200);
    const text = await api.text();
    const body = JSON.parse(text) as {
      queues: { name: string; readOnlyMode: boolean; jobs: { data: { params: Record<string, string> } }[] }[];
    };
    expect(body.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([
      ['live-events', true],
      ['reconcile', true],
    ]);
    const events = body.queues.find((q) => q.name === 'live-events');
    expect(events?.jobs[0]?.data.params).toEqual({
      mix_room: 'r1',
      txSecret: '[redacted]',
      txTime: '5C271099',
    });
    expect(text).not.toContain('push-secret-value');
  });
});

describe('room page pictures', () => {
  const desiredSrc = async (id: string) => {
    const res = await h.request(`/ui/rooms/${id}`);
    expect(res.status).toBe(200);
    return /id="desired"\s+src="([^"]+)"/.exec(await res.text())?.[1];
  };

  test('without a plan, the desired picture URL still changes when what it draws does', async () => {
    const id = roomId('page');
    await h.push(id, 'guest_b');
    const alone = await desiredSrc(id);
    expect(alone).toMatch(/layout\.svg\?size=640&(amp;)?v=[0-9a-f]{12}$/);
    expect((await h.request(`/v1/rooms/${id}`, { method: 'DELETE' })).status).toBe(202);
    expect((await room(id)).desired).toBeNull();
    // Still no plan, but now drawn as "being deleted": a versioned URL is cached for 10 minutes, so it must move.
    expect(await desiredSrc(id)).not.toBe(alone);
  });
});
