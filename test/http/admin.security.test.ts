import { assert, beforeAll, describe, expect, test } from 'vitest';
import { issueSession, SESSION_COOKIE } from '../../src/http/admin-session.js';
import { layoutTemplateSchema } from '../../src/layout/layout-template.js';
import { getLayout, putLayout } from '../../src/rooms/layout-store.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { ADMIN_MODES, T0, TOKEN, useAdminApp } from '../support/admin-harness.js';

const h = useAdminApp();
const ROOM = 'sec1';
const LAYOUT = 'sec_layout';
const TEMPLATE = {
  canvas: { width: 640, height: 360 },
  slots: [{ rect: { x: 0, y: 0, width: 320, height: 360 } }],
};

/** Bodies an authorised caller could send, so that only the credentials can make a request fail. */
const BODIES: Record<string, unknown> = {
  'PUT /v1/rooms/{id}': { preset: 'grid' },
  'POST /v1/rooms/{id}/plan': { join: [{ streamId: 'guest_c' }] },
  'POST /v1/rooms/{id}/override': { minutes: 1, config: { preset: 'grid' } },
  'PUT /v1/layouts/{name}': TEMPLATE,
};

/** Operator routes outside the OpenAPI document. */
const OTHER_ROUTES: [string, string][] = [
  ['GET', '/openapi.json'],
  ['GET', '/docs'],
  ['GET', '/ui'],
  ['GET', `/ui/rooms/${ROOM}`],
  ['GET', '/ui/live/rooms'],
  ['GET', `/ui/live/rooms/${ROOM}`],
  ['GET', '/ui/layouts'],
  ['GET', `/ui/layouts/edit?name=${LAYOUT}`],
  ['GET', `/ui/layouts/${LAYOUT}/picture.svg?people=2`],
  ['GET', '/ui/layouts/preview.svg'],
  ['GET', '/admin/queues'],
  ['GET', '/admin/queues/api/queues'],
  ['GET', '/admin/queues/static/favicon-32x32.png'],
];

beforeAll(async () => {
  await h.push(ROOM, 'host_a', 'main');
  await h.push(ROOM, 'guest_b');
});

/** Every route the operator surface serves: the OpenAPI document's, and the others. */
async function operatorRoutes(app: ReturnType<typeof useAdminApp>): Promise<[string, string][]> {
  const doc = (await (await app.request('/openapi.json')).json()) as { paths: Record<string, object> };
  const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method): [string, string] => [method.toUpperCase(), path]),
  );
  expect(documented.length).toBeGreaterThanOrEqual(11);
  return [...documented, ...OTHER_ROUTES];
}

function send(
  app: ReturnType<typeof useAdminApp>,
  method: string,
  path: string,
  headers: Record<string, string>,
) {
  const body = BODIES[`${method} ${path}`];
  const url = path.replace('{id}', ROOM).replace('{name}', LAYOUT);
  return app.app.request(url, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

const CREDENTIALS: [string, Record<string, string>][] = [
  ['no credentials', {}],
  ['a wrong bearer token', { authorization: 'Bearer wrong-token-0123456789abcdef' }],
  ['the token with another scheme', { authorization: `Basic ${TOKEN}` }],
  ['the token as a prefix', { authorization: `Bearer ${TOKEN}x` }],
  ['a forged cookie', { cookie: `${SESSION_COOKIE}=9999999999.${'A'.repeat(43)}` }],
  ['the token itself as the cookie', { cookie: `${SESSION_COOKIE}=${TOKEN}` }],
  ['an expired session', { cookie: `${SESSION_COOKIE}=${issueSession(TOKEN, T0 - 13 * 3600_000)}` }],
  [
    'a session signed with another token',
    { cookie: `${SESSION_COOKIE}=${issueSession('another-token-0123456789', T0)}` },
  ],
  [
    'a valid cookie next to a wrong bearer',
    { authorization: 'Bearer nope', cookie: `${SESSION_COOKIE}=${issueSession(TOKEN, T0)}` },
  ],
];

// Served alone on ADMIN_PORT, or (the default) mounted in the main app beside the receiver.
describe.each(ADMIN_MODES)('%s: every operator route refuses wrong credentials with 401', (mode) => {
  // Each credential is tried on every route: far more failures than the per-address budget allows
  // (test/security/operator-auth.security.test.ts proves that budget).
  const surface = useAdminApp({ mode, guard: { ADMIN_AUTH_FAIL_LIMIT: 0 } });
  let routes: [string, string][] = [];
  beforeAll(async () => {
    await surface.push(ROOM, 'host_a', 'main');
    await surface.push(ROOM, 'guest_b');
    await putLayout(surface.store, LAYOUT, layoutTemplateSchema.parse(TEMPLATE), T0);
    routes = await operatorRoutes(surface);
  });

  test.each(CREDENTIALS)('%s', async (_label, headers) => {
    const versionBefore = (await readRoom(surface.store, ROOM))?.meta.version;
    for (const [method, path] of routes) {
      const res = await send(surface, method, path, headers);
      expect(res.status, `${method} ${path}`).toBe(401);
      expect(res.headers.get('www-authenticate'), `${method} ${path}`).toBe('Bearer realm="mixkeeper"');
      const body = (await res.json()) as { code: string };
      expect(body.code).toBe('unauthorized');
    }
    // Nothing a refused request asked for happened.
    const state = await readRoom(surface.store, ROOM);
    assert(state, 'the room is stored');
    expect(state.meta.version).toBe(versionBefore);
    expect(state.config).toBeUndefined();
    expect(state.override).toBeUndefined();
    expect(state.meta.deleting).toBeUndefined();
    expect(await surface.reconcileJob(ROOM)).toBeUndefined();
    expect((await getLayout(surface.store, LAYOUT))?.template).toEqual(TEMPLATE);
  });

  test('the same routes answer the right token (so the 401s above are about credentials)', async () => {
    for (const [method, path] of routes.filter(([m]) => m === 'GET')) {
      const res = await send(surface, method, path, { authorization: `Bearer ${TOKEN}` });
      expect(res.status, `${method} ${path}`).toBe(200);
      await res.body?.cancel();
    }
  });

  test('a browser asking for a page gets the login form, still with 401 and a strict CSP', async () => {
    const res = await surface.app.request(`/ui/rooms/${ROOM}?x=1`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain('name="token"');
    expect(html).toContain(`value="/ui/rooms/${ROOM}?x=1"`);
  });
});

describe('without ADMIN_TOKEN configured', () => {
  const closed = useAdminApp({ adminToken: undefined });
  test('everything is refused, whatever is presented, and the login cannot succeed', async () => {
    for (const headers of [{}, { authorization: 'Bearer ' }, { authorization: 'Bearer undefined' }]) {
      expect((await closed.app.request('/v1/rooms', { headers })).status).toBe(401);
      expect((await closed.app.request('/ui', { headers })).status).toBe(401);
    }
    const login = await closed.app.request('/ui/login', {
      method: 'POST',
      body: new URLSearchParams({ token: '', next: '/ui' }),
    });
    expect(login.status).toBe(401);
    expect(login.headers.get('set-cookie')).toBeNull();
    expect(await login.text()).toContain('ADMIN_TOKEN is not set');
  });
});

describe('the login form', () => {
  const login = (token: string, next = '/ui', headers: Record<string, string> = {}) =>
    h.app.request('/ui/login', { method: 'POST', headers, body: new URLSearchParams({ token, next }) });

  test('a wrong token: 401, no cookie', async () => {
    const res = await login('wrong-token-0123456789abcdef');
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  test('the right token: an HttpOnly, SameSite=Strict session cookie that is not the token, and the pages open', async () => {
    const res = await login(TOKEN, `/ui/rooms/${ROOM}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/ui/rooms/${ROOM}`);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0] ?? '';
    for (const path of ['/ui', `/ui/rooms/${ROOM}`, '/v1/rooms', '/admin/queues', '/docs']) {
      const page = await h.app.request(path, { headers: { cookie: session } });
      expect(page.status, path).toBe(200);
      expect(await page.text()).not.toContain(TOKEN);
    }
  });

  test('behind a TLS proxy the cookie is Secure', async () => {
    const res = await login(TOKEN, '/ui', { 'x-forwarded-proto': 'https' });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure/);
  });

  test.each([
    'https://evil.example/',
    '//evil.example/ui',
    '/\\evil.example',
    '/ui//evil.example',
    '/v1/rooms',
    'javascript:alert(1)',
  ])('next=%s cannot send the browser elsewhere', async (next) => {
    const res = await login(TOKEN, next);
    expect(res.headers.get('location')).toBe('/ui');
  });

  test('logout drops the cookie', async () => {
    const res = await h.app.request('/ui/logout', { method: 'POST' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`));
  });
});

describe('the session cookie and state changes', () => {
  const session = `${SESSION_COOKIE}=${issueSession(TOKEN, T0)}`;

  test('a cross-site request carrying the cookie may not change anything (403)', async () => {
    const res = await h.app.request(`/v1/rooms/${ROOM}/reconcile`, {
      method: 'POST',
      headers: { cookie: session, 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(403);
    expect(await h.reconcileJob(ROOM)).toBeUndefined();
  });

  test('the same request from our own pages goes through', async () => {
    const res = await h.app.request(`/v1/rooms/${ROOM}/reconcile`, {
      method: 'POST',
      headers: { cookie: session, 'sec-fetch-site': 'same-origin' },
    });
    expect(res.status).toBe(202);
    expect(await h.reconcileJob(ROOM)).toBeDefined();
  });
});
