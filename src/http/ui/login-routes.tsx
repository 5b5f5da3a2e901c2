import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, setCookie } from 'hono/cookie';
import { issueSession, SESSION_COOKIE, SESSION_TTL_MS, sameSecret } from '../admin-session.js';
import { LoginPage } from './login-page.js';

/**
 * `/ui/login`: the token is typed once and traded for an HttpOnly, SameSite=Strict session cookie
 * valid on every operator surface; `/ui/logout` drops it. Both are open: they are the way in.
 */

export interface LoginDeps {
  adminToken: string | undefined;
  now: () => number;
}

/** Where a login may send the browser next: our own operator pages only (no open redirect). */
export function safeNext(value: unknown): string {
  if (typeof value !== 'string') return '/ui';
  const ours = /^\/(ui|docs|admin\/queues)(?=[/?]|$)/.test(value);
  return ours && !/[\\\s]|\/\/|%2f|%5c/i.test(value) && value.length <= 512 ? value : '/ui';
}

/** The login form as the answer to an unauthenticated page request: still a 401. */
export function loginChallenge(adminToken: string | undefined) {
  return (c: Context) => {
    const url = new URL(c.req.url);
    const next = safeNext(`${url.pathname}${url.search}`);
    return c.html(<LoginPage next={next} unconfigured={!adminToken} />, 401);
  };
}

export function registerLogin(app: OpenAPIHono, deps: LoginDeps): void {
  app.get('/ui/login', (c) =>
    c.html(<LoginPage next={safeNext(c.req.query('next'))} unconfigured={!deps.adminToken} />),
  );

  app.post('/ui/login', bodyLimit({ maxSize: 4096 }), async (c) => {
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const token = typeof form.token === 'string' ? form.token : '';
    if (!deps.adminToken || !sameSecret(token, deps.adminToken)) {
      return c.html(<LoginPage next={next} failed unconfigured={!deps.adminToken} />, 401);
    }
    setCookie(c, SESSION_COOKIE, issueSession(deps.adminToken, deps.now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: isHttps(c),
    });
    return c.redirect(next, 303);
  });

  app.post('/ui/logout', (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isHttps(c) });
    return c.redirect('/ui/login', 303);
  });
}

/** Behind a TLS-terminating proxy the request itself is plain HTTP: trust its forwarded scheme. */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}
