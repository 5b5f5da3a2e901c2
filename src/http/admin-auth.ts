import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { SESSION_COOKIE, sameSecret, verifySession } from './admin-session.js';
import { problem } from './problem.js';

/**
 * Bearer ADMIN_TOKEN, compared in constant time (both sides hashed first, so the length of the
 * token leaks nothing either). Without a configured token every request is refused.
 *
 * With `session`, the pages' cookie (see admin-session.ts) is accepted too. A cookie travels by
 * itself, so a state-changing request carrying only the cookie must come from our own pages: the
 * cookie is SameSite=Strict, and a browser's `Sec-Fetch-Site` other than same-origin is refused.
 */
export interface AdminAuthOptions {
  session?: { now: () => number };
  /** What a browser asking for a page gets instead of a JSON 401: the login form, still with 401. */
  loginPage?: (c: Context) => Response | Promise<Response>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function adminAuth(token: string | undefined, options: AdminAuthOptions = {}) {
  return createMiddleware(async (c, next) => {
    const header = c.req.header('authorization');
    if (token && header !== undefined) {
      const presented = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
      if (sameSecret(presented, token)) return next();
      return refuse(c, options);
    }
    const cookie = options.session && token ? getCookie(c, SESSION_COOKIE) : undefined;
    if (
      token &&
      cookie !== undefined &&
      options.session &&
      verifySession(token, cookie, options.session.now())
    ) {
      const site = c.req.header('sec-fetch-site');
      if (!SAFE_METHODS.has(c.req.method) && site !== undefined && site !== 'same-origin') {
        return problem(
          c,
          'forbidden',
          'a state-changing request with the session cookie must come from these pages',
        );
      }
      return next();
    }
    return refuse(c, options);
  });
}

function refuse(c: Context, options: AdminAuthOptions) {
  const wantsPage = c.req.method === 'GET' && (c.req.header('accept') ?? '').includes('text/html');
  if (options.loginPage && wantsPage) return options.loginPage(c);
  c.header('WWW-Authenticate', 'Bearer realm="mixkeeper"');
  return problem(c, 'unauthorized', 'a valid bearer token is required');
}
