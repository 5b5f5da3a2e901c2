import { describe, expect, test } from 'vitest';
import type { RoomBody } from '../../src/http/rooms/room-view.js';
import type { MixPlan } from '../../src/layout/plan.js';
import { setConfig } from '../../src/rooms/operator-changes.js';
import { readRoom } from '../../src/rooms/room-state.js';
import {
  cancelCommonMixStreamRequestSchema,
  createCommonMixStreamRequestSchema,
  createMixStreamRequest,
} from '../../src/tencent/api3/common-mix-stream.js';
import { startBody } from '../../src/tencent/mix-stream-v2.js';
import { T0, useAdminApp } from '../support/admin-harness.js';

/**
 * The rooms API under each mix backend (TENCENT_MIX_BACKEND): a config the configured API can
 * never send is refused with 400 naming the field and the limit (Cloud API 3.0 takes 2000 px and
 * 10000 kbps where Mix_StreamV2 takes 3000 and 50000, reference §6.2); the dry run shows the body
 * of that API.
 */

const legacy = useAdminApp();
const api3 = useAdminApp({ mixBackend: 'api3' });
type Harness = typeof legacy;
let counter = 0;
const roomId = (label: string) => `${label}${++counter}`;

async function problemOf(res: Response) {
  expect(res.status).toBe(400);
  const body = (await res.json()) as { code: string; message: string; requestId: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
  expect(body.code).toBe('bad_request');
  return body.message;
}

async function roomOf(h: Harness, id: string): Promise<RoomBody> {
  const res = await h.request(`/v1/rooms/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as RoomBody;
}

describe('PUT /v1/rooms/:id: a config the configured backend can never send', () => {
  test.each([
    [{ canvas: { width: 2400, height: 1350 } }, 'canvas.width: at most 2000 on Cloud API 3.0'],
    [{ canvas: { width: 1080, height: 2160 } }, 'canvas.height: at most 2000 on Cloud API 3.0'],
    [{ bitrate: 20000 }, 'bitrate: at most 10000 on Cloud API 3.0'],
    [
      { preset: 'grid', canvas: { width: 2001, height: 2001 }, bitrate: 10001 },
      'canvas.width: at most 2000 on Cloud API 3.0; canvas.height: at most 2000 on Cloud API 3.0; ' +
        'bitrate: at most 10000 on Cloud API 3.0',
    ],
  ])(
    '%j → 400 on api3 naming the field and the limit, nothing stored; 200 on legacy',
    async (config, message) => {
      const id = roomId('limits');
      await api3.push(id, 'host_a', 'main');
      expect(await problemOf(await api3.json(`/v1/rooms/${id}`, 'PUT', config))).toBe(message);
      const state = await readRoom(api3.store, id);
      expect(state?.config).toBeUndefined();
      expect(state?.meta.version).toBe(1);
      expect(await api3.reconcileJob(id)).toBeUndefined();

      await legacy.push(id, 'host_a', 'main');
      const res = await legacy.json(`/v1/rooms/${id}`, 'PUT', config);
      expect(res.status).toBe(200);
      expect(((await res.json()) as RoomBody).config).toEqual(config);
      expect(await legacy.reconcileJob(id)).toBeDefined();
    },
  );

  test('the limits themselves are accepted on api3: a 2000×1125 canvas, 10000 kbps', async () => {
    const id = roomId('edge');
    const config = { preset: 'grid', canvas: { width: 2000, height: 1125 }, bitrate: 10000 };
    const res = await api3.json(`/v1/rooms/${id}`, 'PUT', config);
    expect(res.status).toBe(200);
    expect(((await res.json()) as RoomBody).config).toEqual(config);
  });

  test('over 3000 px stays a 400 on legacy too, from the config schema', async () => {
    const message = await problemOf(
      await legacy.json(`/v1/rooms/${roomId('huge')}`, 'PUT', { canvas: { width: 3001, height: 720 } }),
    );
    expect(message).toMatch(/^canvas\.width: /);
  });
});

describe('other ways a config enters', () => {
  test('an override with a canvas over 2000 px → 400 naming config.canvas.width on api3, no override', async () => {
    const id = roomId('override');
    await api3.push(id, 'host_a', 'main');
    const body = { minutes: 5, config: { preset: 'grid', canvas: { width: 2560, height: 1440 } } };
    expect(await problemOf(await api3.json(`/v1/rooms/${id}/override`, 'POST', body))).toBe(
      'config.canvas.width: at most 2000 on Cloud API 3.0',
    );
    expect((await readRoom(api3.store, id))?.override).toBeUndefined();
    await legacy.push(id, 'host_a', 'main');
    expect((await legacy.json(`/v1/rooms/${id}/override`, 'POST', body)).status).toBe(200);
  });

  test('a dry run trying a bitrate over 10000 → 400 naming config.bitrate on api3', async () => {
    const body = { config: { bitrate: 20000 } };
    expect(await problemOf(await api3.json('/v1/rooms/dry/plan', 'POST', body))).toBe(
      'config.bitrate: at most 10000 on Cloud API 3.0',
    );
    expect((await legacy.json('/v1/rooms/dry/plan', 'POST', body)).status).toBe(200);
  });
});

describe('a source larger than the backend takes', () => {
  test('a 2560×1440 guest: mixed on legacy; on api3 left out of the desired plan, the room says why', async () => {
    const id = roomId('bigguest');
    for (const h of [legacy, api3]) {
      await h.push(id, 'host_a', 'main');
      await h.push(id, 'guest_b');
      await h.push(id, 'guest_big', 'guest', T0, { width: 2560, height: 1440 });
    }
    const onLegacy = await roomOf(legacy, id);
    expect(onLegacy.desired?.inputs.map((t) => t.streamId)).toEqual(['host_a', 'guest_b', 'guest_big']);

    const onApi3 = await roomOf(api3, id);
    expect(onApi3.desired?.inputs.map((t) => t.streamId)).toEqual(['host_a', 'guest_b']);
    expect(onApi3.explain).toContain(
      "guest_big left out: its 2560×1440 picture is over Cloud API 3.0's input limit of 2000 px a side",
    );
    // The room page shows the same reason under "Why this layout".
    const page = await (await api3.request(`/ui/rooms/${id}`)).text();
    expect(page).toContain('guest_big left out: its 2560×1440 picture is over Cloud API 3.0');
  });

  test('a stored config from the legacy days is planned within api3 limits, and says so', async () => {
    const id = roomId('stored');
    await api3.push(id, 'host_a', 'main');
    await api3.push(id, 'guest_b');
    // Written directly, as a config stored before the backend changed would be.
    await setConfig(
      api3.store,
      id,
      { preset: 'grid', canvas: { width: 2400, height: 1350 }, bitrate: 20000 },
      T0,
    );
    const room = await roomOf(api3, id);
    expect(room.desired?.canvas).toEqual({ width: 1280, height: 720 });
    expect(room.desired?.bitrate).toBeUndefined();
    expect(room.explain).toEqual(
      expect.arrayContaining([
        'config.canvas 2400×1350 is not whole pixels within [16, 2000] a side on Cloud API 3.0: using 1280×720',
        'bitrate 20000 is outside [1, 10000] kbps on Cloud API 3.0: left to the platform',
      ]),
    );
  });
});

describe('POST /v1/rooms/:id/plan shows the configured backend’s request', () => {
  type DryRun = {
    plan: MixPlan | null;
    request: { op: string; sessionId: string; at: number; backend: string; action: string; body: unknown };
  };
  const dryRun = async (h: Harness, id: string, body: unknown) => {
    const res = await h.json(`/v1/rooms/${id}/plan`, 'POST', body);
    expect(res.status).toBe(200);
    return { text: await res.clone().text(), ...((await res.json()) as DryRun) };
  };

  test('api3: the CreateCommonMixStream parameters, exactly as the api3 backend builds them', async () => {
    const id = roomId('dryapi3');
    await api3.push(id, 'host_a', 'main');
    await api3.push(id, 'guest_b', 'guest', T0, { width: 640, height: 360 });
    api3.clock.now = T0 + 10_000;
    const result = await dryRun(api3, id, {});
    expect(result.request).toMatchObject({
      op: 'start',
      sessionId: `${id}_1`,
      backend: 'api3',
      action: 'CreateCommonMixStream',
    });
    expect(result.request.body).toEqual(createMixStreamRequest(`${id}_1`, result.plan as MixPlan));
    // Strict: the API 3.0 parameters and nothing else — no signature, key or app id among them.
    expect(() => createCommonMixStreamRequestSchema.parse(result.request.body)).not.toThrow();
    expect(result.text).not.toMatch(/TC3-HMAC|Signature|Authorization|SecretKey|app_?id/i);
  });

  test('legacy: the Mix_StreamV2 body, as before', async () => {
    const id = roomId('drylegacy');
    await legacy.push(id, 'host_a', 'main');
    await legacy.push(id, 'guest_b');
    legacy.clock.now = T0 + 10_000;
    const result = await dryRun(legacy, id, {});
    expect(result.request).toMatchObject({
      backend: 'legacy',
      action: 'mix_streamv2.start_mix_stream_advanced',
    });
    const meta = { appId: 1252500000, sessionId: `${id}_1`, nowMs: result.request.at };
    expect(result.request.body).toEqual(startBody(result.plan as MixPlan, meta));
    expect(result.text).not.toMatch(/"sign"|TC3-HMAC|Signature|Authorization/i);
  });

  test('api3: a cancel names only the session (CancelCommonMixStream)', async () => {
    const id = roomId('drycancel');
    await api3.push(id, 'host_a', 'main');
    await api3.push(id, 'guest_b');
    const desired = (await roomOf(api3, id)).desired as MixPlan;
    await api3.markMixing(id, desired);
    const result = await dryRun(api3, id, { leave: ['guest_b'] });
    expect(result.request).toMatchObject({
      op: 'cancel',
      backend: 'api3',
      action: 'CancelCommonMixStream',
      body: { MixStreamSessionId: `${id}_1` },
    });
    expect(() => cancelCommonMixStreamRequestSchema.strict().parse(result.request.body)).not.toThrow();
  });

  test('the OpenAPI document describes the request of either backend', async () => {
    const doc = (await (await api3.request('/openapi.json')).json()) as {
      components: { schemas: Record<string, unknown> };
    };
    const schema = JSON.stringify(doc.components.schemas.DryRunRequest);
    for (const word of [
      'legacy',
      'api3',
      'CreateCommonMixStream',
      'CancelCommonMixStream',
      'MixStreamSessionId',
    ]) {
      expect(schema).toContain(word);
    }
  });
});
