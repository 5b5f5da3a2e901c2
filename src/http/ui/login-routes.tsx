import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { issueSession, SESSION_TTL_MS, sameSecret, sessionExpiry } from '../admin-session.js';
import type { AuthFailures } from '../auth-failures.js';
import { type SecureCookieMode, sessionCookieFor } from '../session-cookie.js';
import type { SessionRevocations } from '../session-revocations.js';
import { LoginPage } from './login-page.js';

/**
 * `/ui/login`: the token is typed once and traded for an HttpOnly, SameSite=Strict session cookie
 * valid on every operator surface (`__Host-`-prefixed and Secure over HTTPS, session-cookie.ts);
 * `/ui/logout` signs the session out (every replica then refuses it) and drops the cookie. Both are
 * open: they are the way in. Failed logins count against the client's budget (auth-failures.ts).
 */

export interface LoginDeps {
  adminToken: string | undefined;
  now: () => number;
  secureCookie?: SecureCookieMode;
  failures?: AuthFailures;
  revocations?: SessionRevocations;
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
    const refusal = deps.failures?.refusal(c);
    if (refusal) return refusal;
    const form = await c.req.parseBody();
    const next = safeNext(form.next);
    const token = typeof form.token === 'string' ? form.token : '';
    if (!deps.adminToken || !sameSecret(token, deps.adminToken)) {
      const tooMany = deps.adminToken ? deps.failures?.failed(c, 'login') : undefined;
      if (tooMany) return tooMany;
      return c.html(<LoginPage next={next} failed unconfigured={!deps.adminToken} />, 401);
    }
    const cookie = sessionCookieFor(c, deps.secureCookie ?? 'auto');
    setCookie(c, cookie.name, issueSession(deps.adminToken, deps.now()), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
      secure: cookie.secure,
    });
    return c.redirect(next, 303);
  });

  app.post('/ui/logout', async (c) => {
    const cookie = sessionCookieFor(c, deps.secureCookie ?? 'auto');
    const value = getCookie(c, cookie.name);
    const expiresAt =
      deps.adminToken && value !== undefined ? sessionExpiry(deps.adminToken, value, deps.now()) : undefined;
    if (value !== undefined && expiresAt !== undefined && deps.revocations) {
      await deps.revocations.revoke(value, expiresAt - deps.now());
    }
    deleteCookie(c, cookie.name, { path: '/', secure: cookie.secure });
    return c.redirect('/ui/login', 303);
  });
}
