import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { issueSession, SECURE_SESSION_COOKIE, SESSION_COOKIE } from '../../src/http/admin-session.js';
import { T0, TOKEN, useAdminApp } from '../support/admin-harness.js';
import { useApiService } from '../support/api-service.js';
import { captureLog } from '../support/log-capture.js';

/**
 * Who may reach the operator surface: a long ADMIN_TOKEN, a budget of failed sign-ins per client
 * address, a `__Host-` Secure session cookie over HTTPS, and servers bound where HOST says.
 */

test('ADMIN_TOKEN must be at least 32 characters, and the refusal does not repeat it', () => {
  const short = 'a-31-character-operator-token-x';
  expect(short).toHaveLength(31);
  expect(() => loadConfig({ ADMIN_TOKEN: short })).toThrow(/ADMIN_TOKEN: at least 32 characters/);
  try {
    loadConfig({ ADMIN_TOKEN: short });
  } catch (error) {
    expect(String(error)).not.toContain(short);
  }
  expect(loadConfig({ ADMIN_TOKEN: `${short}y` }).ADMIN_TOKEN).toHaveLength(32);
});

describe('failed sign-ins are budgeted per client address and logged without the token', () => {
  const captured = captureLog('info');
  const h = useAdminApp({
    guard: {
      ADMIN_AUTH_FAIL_LIMIT: 3,
      ADMIN_AUTH_FAIL_WINDOW_MS: 60_000,
      CALLBACK_CLIENT_IP_HEADER: 'x-forwarded-for',
    },
    log: captured.log,
  });
  const from = (address: string, headers: Record<string, string> = {}) => ({
    ...headers,
    'x-forwarded-for': address,
  });
  const login = (address: string, token: string) =>
    h.app.request('/ui/login', {
      method: 'POST',
      headers: from(address),
      body: new URLSearchParams({ token, next: '/ui' }),
    });

  test('wrong bearer tokens: 401 within the budget, then 429 even for the right token, from that address only', async () => {
    const wrong = `wrong-${randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      const res = await h.app.request('/v1/rooms', {
        headers: from('198.51.100.7', { authorization: `Bearer ${wrong}` }),
      });
      expect(res.status).toBe(401);
    }
    const over = await h.app.request('/v1/rooms', {
      headers: from('198.51.100.7', { authorization: `Bearer ${wrong}` }),
    });
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    // Guessing gains nothing while over the budget: the right token is not even checked.
    const right = await h.app.request('/v1/rooms', {
      headers: from('198.51.100.7', { authorization: `Bearer ${TOKEN}` }),
    });
    expect(right.status).toBe(429);
    // Another address is not affected.
    const other = await h.app.request('/v1/rooms', {
      headers: from('198.51.100.8', { authorization: `Bearer ${TOKEN}` }),
    });
    expect(other.status).toBe(200);
    // Logged, with the address, never with what was presented.
    const failures = captured.lines().filter((line) => line.client === '198.51.100.7');
    expect(failures.length).toBeGreaterThanOrEqual(3);
    expect(failures.every((line) => line.credential === 'bearer')).toBe(true);
    expect(captured.text()).not.toContain(wrong);
    expect(captured.text()).not.toContain(TOKEN);
  });

  test('failed logins: the same budget, and the form cannot be used to guess past it', async () => {
    const wrong = `wrong-${randomUUID()}`;
    for (let i = 0; i < 3; i++) expect((await login('203.0.113.9', wrong)).status).toBe(401);
    expect((await login('203.0.113.9', wrong)).status).toBe(429);
    const over = await login('203.0.113.9', TOKEN);
    expect(over.status).toBe(429);
    expect(over.headers.get('set-cookie')).toBeNull();
    expect((await login('203.0.113.10', TOKEN)).status).toBe(303);
    const failures = captured.lines().filter((line) => line.client === '203.0.113.9');
    expect(failures.map((line) => line.credential)).toContain('login');
    expect(captured.text()).not.toContain(wrong);
  });

  test('the window ends: the address may try again', async () => {
    const wrong = `wrong-${randomUUID()}`;
    for (let i = 0; i < 4; i++) await login('192.0.2.44', wrong);
    expect((await login('192.0.2.44', TOKEN)).status).toBe(429);
    h.clock.now = T0 + 61_000;
    expect((await login('192.0.2.44', TOKEN)).status).toBe(303);
  });
});

describe('the session cookie over HTTPS', () => {
  const h = useAdminApp();
  const login = (headers: Record<string, string> = {}, url = 'http://admin.example/ui/login') =>
    h.app.request(url, { method: 'POST', headers, body: new URLSearchParams({ token: TOKEN, next: '/ui' }) });

  test.each([
    [
      'behind a TLS proxy (X-Forwarded-Proto)',
      { 'x-forwarded-proto': 'https' },
      'http://admin.example/ui/login',
    ],
    ['on an HTTPS request', {}, 'https://admin.example/ui/login'],
  ])('%s it is __Host-prefixed, Secure, Path=/, without a Domain', async (_label, headers, url) => {
    const cookie = (await login(headers, url)).headers.get('set-cookie') ?? '';
    expect(cookie.startsWith(`${SECURE_SESSION_COOKIE}=`)).toBe(true);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; Path=\/(;|$)/);
    expect(cookie).not.toMatch(/Domain=/i);
  });

  test('over HTTPS only the __Host- cookie opens the pages; a plain one planted over HTTP does not', async () => {
    const value = issueSession(TOKEN, h.clock.now);
    const https = { 'x-forwarded-proto': 'https' };
    const secure = await h.app.request('/ui', {
      headers: { ...https, cookie: `${SECURE_SESSION_COOKIE}=${value}` },
    });
    expect(secure.status).toBe(200);
    const plain = await h.app.request('/ui', { headers: { ...https, cookie: `${SESSION_COOKIE}=${value}` } });
    expect(plain.status).toBe(401);
  });

  test('plain HTTP (a laptop) keeps a plain cookie, so a local login still works', async () => {
    const cookie = (await login()).headers.get('set-cookie') ?? '';
    expect(cookie.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect(cookie).not.toMatch(/Secure/);
  });

  describe('ADMIN_SECURE_COOKIE=always (a TLS proxy that sets no X-Forwarded-Proto)', () => {
    const always = useAdminApp({ guard: { ADMIN_SECURE_COOKIE: 'always' } });
    test('the cookie is __Host- and Secure without any header', async () => {
      const res = await always.app.request('/ui/login', {
        method: 'POST',
        body: new URLSearchParams({ token: TOKEN, next: '/ui' }),
      });
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie.startsWith(`${SECURE_SESSION_COOKIE}=`)).toBe(true);
      expect(cookie).toMatch(/; Secure/);
    });
  });
});

describe('HOST: the address the HTTP servers bind to', () => {
  const api = useApiService({ ADMIN_TOKEN: `admin-${randomUUID()}`, HOST: '127.0.0.2' });

  test('both ports listen on that address only', async () => {
    expect(loadConfig({}).HOST).toBe('0.0.0.0');
    for (const base of [api.service.url, api.service.adminUrl]) {
      const url = new URL(base ?? '');
      expect(url.hostname).toBe('127.0.0.2');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      // Another loopback address reaches nothing: the server is not on every interface.
      await expect(fetch(`http://127.0.0.1:${url.port}/healthz`)).rejects.toThrow();
    }
  });
});
