import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { sameSecret, sessionExpiry } from './admin-session.js';
import type { AuthFailures } from './auth-failures.js';
import { problem } from './problem.js';
import { type SecureCookieMode, sessionCookieFor } from './session-cookie.js';
import type { SessionRevocations } from './session-revocations.js';

/**
 * Bearer ADMIN_TOKEN, compared in constant time (both sides hashed first, so the length of the
 * token leaks nothing either). Without a configured token every request is refused.
 *
 * With `session`, the pages' cookie (see admin-session.ts) is accepted too. A cookie travels by
 * itself, so a state-changing request carrying only the cookie must come from our own pages: the
 * cookie is SameSite=Strict, and a browser's `Sec-Fetch-Site` other than same-origin is refused.
 * A cookie-authenticated request carries its session (`c.get('adminSession')`): live pages end
 * with it.
 */
export interface AdminAuthOptions {
  session?: {
    now: () => number;
    secureCookie?: SecureCookieMode;
    /** Signed-out sessions; absent, a cookie is valid until it expires. */
    revocations?: SessionRevocations;
  };
  /** What a browser asking for a page gets instead of a JSON 401: the login form, still with 401. */
  loginPage?: (c: Context) => Response | Promise<Response>;
  /** Wrong bearer tokens counted (and refused past the budget) per client address. */
  failures?: AuthFailures;
}

/** The session a cookie-authenticated request came with. */
export interface AdminSession {
  /** When it expires (ms). */
  expiresAt: number;
  /** Whether it has been signed out since (a Redis read). */
  revoked: () => Promise<boolean>;
}

declare module 'hono' {
  interface ContextVariableMap {
    adminSession: AdminSession | undefined;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function adminAuth(token: string | undefined, options: AdminAuthOptions = {}) {
  return createMiddleware(async (c, next) => {
    const header = c.req.header('authorization');
    if (token && header !== undefined) {
      const refusal = options.failures?.refusal(c);
      if (refusal) return refusal;
      const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
      if (sameSecret(presented, token)) return next();
      return options.failures?.failed(c, 'bearer') ?? refuse(c, options);
    }
    const session = token && options.session ? await sessionOf(c, token, options.session) : undefined;
    if (session) {
      const site = c.req.header('sec-fetch-site');
      if (!SAFE_METHODS.has(c.req.method) && site !== undefined && site !== 'same-origin') {
        return problem(
          c,
          'forbidden',
          'a state-changing request with the session cookie must come from these pages',
        );
      }
      c.set('adminSession', session);
      return next();
    }
    return refuse(c, options);
  });
}

/** The request's valid session: its scheme's cookie, signed with the token, unexpired, not signed out. */
async function sessionOf(
  c: Context,
  token: string,
  options: NonNullable<AdminAuthOptions['session']>,
): Promise<AdminSession | undefined> {
  const cookie = getCookie(c, sessionCookieFor(c, options.secureCookie ?? 'auto').name);
  if (cookie === undefined) return undefined;
  const expiresAt = sessionExpiry(token, cookie, options.now());
  if (expiresAt === undefined) return undefined;
  const revocations = options.revocations;
  const revoked = revocations ? () => revocations.isRevoked(cookie) : async () => false;
  if (await revoked()) return undefined;
  return { expiresAt, revoked };
}

function refuse(c: Context, options: AdminAuthOptions) {
  const wantsPage = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
  if (options.loginPage && wantsPage) return options.loginPage(c);
  c.header('WWW-Authenticate', 'Bearer realm="mixkeeper"');
  return problem(c, 'unauthorized', 'a valid bearer token is required');
}
