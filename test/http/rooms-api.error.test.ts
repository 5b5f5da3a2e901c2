import { assert, describe, expect, test } from 'vitest';
import { readRoom } from '../../src/rooms/room-state.js';
import { useAdminApp } from '../support/admin-harness.js';

const h = useAdminApp();
let counter = 0;
const roomId = (label: string) => `${label}${++counter}`;

async function expectProblem(res: Response, status: number, code: string, mentions?: RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { code: string; message: string; requestId: string };
  expect(Object.keys(body).sort()).toEqual(['code', 'message', 'requestId']);
  expect(body.code).toBe(code);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.message).toMatch(mentions ?? /./);
  return body;
}

describe('PUT /v1/rooms/:id with an invalid config', () => {
  test.each([
    [{ canvas: { width: 5000, height: 720 } }, /canvas\.width/],
    // The valid presets and Tencent's template ids, as `mixkeeper layout --preset` lists them.
    [
      { preset: 'mosaic' },
      /^preset: "mosaic" is not one of pip, pk, grid, speaker, audio, template:<id> \(\d+(, \d+)+\)/,
    ],
    [{ output: { type: 2 } }, /output\.type/],
    [{ background: { color: 'red' } }, /background\.color: a colour 0xRRGGBB/],
    [{ bitrate: 0 }, /^bitrate: /],
    [{ include: ['ok_id', 'bad-id'] }, /include\.1: a stream id/],
    [{ audioOnly: 'maybe' }, /audioOnly/],
    [{ surprise: 1 }, /surprise/],
  ])('%j → 400 naming the field, nothing stored, no reconcile', async (config, field) => {
    const id = roomId('badconfig');
    await h.push(id, 'host_a', 'main');
    const res = await h.json(`/v1/rooms/${id}`, 'PUT', config);
    await expectProblem(res, 400, 'bad_request', field);
    const state = await readRoom(h.store, id);
    expect(state?.config).toBeUndefined();
    expect(state?.meta.version).toBe(1);
    expect(await h.reconcileJob(id)).toBeUndefined();
  });

  test('a body that is not JSON is a 400, no JSON body at all a 415, in the same shape', async () => {
    const id = roomId('notjson');
    await expectProblem(
      await h.request(`/v1/rooms/${id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: '{"preset":',
      }),
      400,
      'bad_request',
    );
    await expectProblem(await h.request(`/v1/rooms/${id}`, { method: 'PUT' }), 415, 'unsupported_media_type');
    await expectProblem(
      await h.request(`/v1/rooms/${id}`, { method: 'PUT', body: 'preset=grid' }),
      415,
      'unsupported_media_type',
    );
    expect(await readRoom(h.store, id)).toBeNull();
  });

  test('a body over 64 kB is refused with 413', async () => {
    const res = await h.request(`/v1/rooms/${roomId('big')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ include: ['x'.repeat(70_000)] }),
    });
    await expectProblem(res, 413, 'too_large');
  });

  test('a room being deleted cannot be configured or overridden (409)', async () => {
    const id = roomId('deleting');
    await h.push(id, 'host_a', 'main');
    await h.request(`/v1/rooms/${id}`, { method: 'DELETE' });
    await expectProblem(await h.json(`/v1/rooms/${id}`, 'PUT', { preset: 'grid' }), 409, 'conflict');
    await expectProblem(
      await h.json(`/v1/rooms/${id}/override`, 'POST', { minutes: 1, config: { preset: 'grid' } }),
      409,
      'conflict',
    );
    const state = await readRoom(h.store, id);
    assert(state, 'the room is stored until its mix is cancelled');
    expect(state.config).toBeUndefined();
  });
});

describe('unknown rooms and bad ids', () => {
  test.each([
    ['GET', '/v1/rooms/nobody'],
    ['GET', '/v1/rooms/nobody/events'],
    ['GET', '/v1/rooms/nobody/layout.svg'],
    ['GET', '/v1/rooms/nobody/applied.svg'],
    ['POST', '/v1/rooms/nobody/reconcile'],
    ['DELETE', '/v1/rooms/nobody/override'],
    ['DELETE', '/v1/rooms/nobody'],
  ])('%s %s → 404', async (method, path) => {
    await expectProblem(await h.request(path, { method }), 404, 'not_found', /nobody/);
    expect(await h.reconcileJob('nobody')).toBeUndefined();
  });

  test('an override of an unknown room → 404', async () => {
    const res = await h.json('/v1/rooms/nobody/override', 'POST', { minutes: 1, config: {} });
    await expectProblem(res, 404, 'not_found');
  });

  test('a room id the session id could not carry → 400 naming the id', async () => {
    await expectProblem(await h.request('/v1/rooms/room-1'), 400, 'bad_request', /^id: /);
    await expectProblem(await h.request(`/v1/rooms/${'r'.repeat(65)}`), 400, 'bad_request', /^id: /);
  });

  test('an unknown route → 404 in the same shape', async () => {
    await expectProblem(await h.request('/v1/nothing-here'), 404, 'not_found');
  });
});

describe('bad queries and bodies', () => {
  test.each([
    ['/v1/rooms?limit=0', /^limit: /],
    ['/v1/rooms?limit=abc', /^limit: /],
    ['/v1/rooms?status=sleeping', /^status: /],
    ['/v1/rooms?cursor=bm90LWEtY3Vyc29y', /^cursor: /],
    ['/v1/rooms/r1/events?limit=5000', /^limit: /],
    ['/v1/rooms/r1/layout.svg?size=5', /^size: /],
  ])('%s → 400 naming the parameter', async (path, field) => {
    await expectProblem(await h.request(path), 400, 'bad_request', field);
  });

  test.each([
    [{ minutes: 0, config: { preset: 'grid' } }, /^minutes: /],
    [{ minutes: 1441, config: { preset: 'grid' } }, /^minutes: /],
    [{ minutes: 5 }, /^config: /],
    [{ minutes: 5, config: { preset: 'hexagon' } }, /^config\.preset: /],
  ])('override %j → 400 naming the field', async (body, field) => {
    const id = roomId('badoverride');
    await h.push(id, 'host_a', 'main');
    await expectProblem(await h.json(`/v1/rooms/${id}/override`, 'POST', body), 400, 'bad_request', field);
    const state = await readRoom(h.store, id);
    assert(state, 'the room is stored');
    expect(state.override).toBeUndefined();
  });

  test.each([
    [{ join: [{ streamId: 'has space' }] }, /^join\.0\.streamId: /],
    [{ join: [{ streamId: 'ok', role: 'boss' }] }, /^join\.0\.role: /],
    [{ leave: 'guest_b' }, /^leave: /],
    [{ config: { canvas: { width: 1 } } }, /^config\.canvas\./],
  ])('plan %j → 400 naming the field', async (body, field) => {
    await expectProblem(await h.json('/v1/rooms/r1/plan', 'POST', body), 400, 'bad_request', field);
  });
});
