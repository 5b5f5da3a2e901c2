import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueSession, SESSION_COOKIE } from '../../src/http/admin-session.js';
import { TOKEN, useAdminApp } from '../support/admin-harness.js';
import { hasChromium, launchChromium, screenshot } from '../support/browser.js';

/**
 * `/docs` is the Scalar reference of the installed, pinned package, served from our origin under a
 * CSP that names no other origin. Today it loads the newest bundle from a CDN: a script an outside
 * host can change, on the admin origin, and a blank page offline.
 */

const h = useAdminApp();
const auth = { authorization: `Bearer ${TOKEN}` };

/** Every URL-ish reference in an HTML page: src, href, and anything with a scheme. */
function references(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('/docs', () => {
  test('the page references only our own origin, under a CSP that allows no other', async () => {
    const res = await h.app.request('/docs', { headers: auth });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/:\/\//);
    const refs = references(html);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref.startsWith('/'), ref).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/connect-src 'self'(;|$)/);
    expect(csp).not.toMatch(/:\/\/|\*|https?:|'unsafe-eval'/);
  });

  test('the scripts it loads are served here: the pinned bundle and its start-up', async () => {
    const html = await (await h.app.request('/docs', { headers: auth })).text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(scripts).toHaveLength(2);
    const bodies: string[] = [];
    for (const src of scripts) {
      const res = await h.app.request(src, { headers: auth });
      expect(res.status, src).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
      bodies.push(await res.text());
    }
    // The standalone bundle of @scalar/api-reference (megabytes), and the call that starts it.
    expect(bodies[0]!.length).toBeGreaterThan(1_000_000);
    expect(bodies[1]).toContain("Scalar.createApiReference('#app'");
    expect(bodies[1]).toContain("url: '/openapi.json'");
  });

  test('the scripts need the same credentials as the page', async () => {
    expect((await h.app.request('/docs/assets/api-reference.js')).status).toBe(401);
    expect((await h.app.request('/docs')).status).toBe(401);
  });
});

describe.runIf(hasChromium())('/docs in Chromium, with no network but ours', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    server?.closeAllConnections();
  });

  test('the reference renders the operator API, and nothing is fetched from elsewhere', async () => {
    const browser = await launchChromium();
    const { context } = browser;
    try {
      // Offline but for us: any request to another origin is recorded and refused.
      const elsewhere: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(base)) return route.continue();
        elsewhere.push(url);
        return route.abort('internetdisconnected');
      });
      await context.addCookies([
        {
          name: SESSION_COOKIE,
          value: issueSession(TOKEN, h.clock.now),
          url: base,
          httpOnly: true,
          sameSite: 'Strict',
        },
      ]);
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const res = await page.goto(`${base}/docs`);
      expect(res?.status()).toBe(200);
      // The document's title and one of its routes, drawn by the bundle from /openapi.json.
      await page.getByText('mixkeeper operator API').first().waitFor({ timeout: 45_000 });
      await page.getByText('/v1/rooms').first().waitFor({ timeout: 45_000 });
      await screenshot(page, 'api-docs.png');
      expect(elsewhere).toEqual([]);
      expect(violations.filter((v) => /script/i.test(v))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
