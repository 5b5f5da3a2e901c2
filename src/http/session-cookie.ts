import type { Context } from 'hono';
import { SECURE_SESSION_COOKIE, SESSION_COOKIE } from './admin-session.js';

/**
 * Which session cookie a request sets and reads. Over HTTPS it is `__Host-mk_admin`, Secure; over
 * plain HTTP (a laptop's `mixkeeper dev`) `mk_admin`. A request reads only the cookie of its own
 * scheme, so a cookie planted over plain HTTP is never taken for the secure one.
 *
 * HTTPS is the request's own scheme or `X-Forwarded-Proto: https` from the TLS proxy in front.
 * Trusting that header can only ever make the cookie stricter: a client that forges it gets a
 * Secure cookie its browser will not keep over plain HTTP. `always` (ADMIN_SECURE_COOKIE) is for a
 * TLS proxy that does not set the header.
 */

export type SecureCookieMode = 'auto' | 'always';

export interface SessionCookie {
  name: string;
  secure: boolean;
}

export function sessionCookieFor(c: Context, mode: SecureCookieMode): SessionCookie {
  const secure = mode === 'always' || cameOverHttps(c);
  return secure ? { name: SECURE_SESSION_COOKIE, secure: true } : { name: SESSION_COOKIE, secure: false };
}

function cameOverHttps(c: Context): boolean {
  const forwarded = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return new URL(c.req.url).protocol === 'https:' || forwarded === 'https';
}
