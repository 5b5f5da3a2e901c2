import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The pages' login: the operator types ADMIN_TOKEN once, and gets a cookie that proves it
 * without being it: `<expiry>.<HMAC-SHA256(token, expiry)>`. Rotating the token ends every session;
 * a stolen cookie expires. Pure: the clock comes in as an argument.
 */

export const SESSION_COOKIE = 'mk_admin';
/**
 * The cookie's name over HTTPS: a `__Host-` cookie is only accepted by a browser when Secure, set by
 * this very host with Path=/ and no Domain, so a sibling subdomain or a plain-HTTP page cannot set
 * or overwrite it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;
export const SESSION_TTL_MS = 12 * 3600_000;

export function issueSession(token: string, nowMs: number, ttlMs = SESSION_TTL_MS): string {
  const expiresAt = Math.floor((nowMs + ttlMs) / 1000);
  return `${expiresAt}.${signature(token, expiresAt)}`;
}

export function verifySession(token: string, value: string, nowMs: number): boolean {
  return sessionExpiry(token, value, nowMs) !== undefined;
}

/** When a valid, unexpired session ends (ms); undefined when the value is not one. */
export function sessionExpiry(token: string, value: string, nowMs: number): number | undefined {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return undefined;
  const expiresAt = Number(match[1]) * 1000;
  const valid = sameSecret(match[2]!, signature(token, expiresAt / 1000));
  return valid && expiresAt > nowMs ? expiresAt : undefined;
}

/** Constant-time equality of two secrets of any length (both sides are hashed first). */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

function signature(token: string, expiresAt: number): string {
  return createHmac('sha256', token).update(`mixkeeper-admin-session:${expiresAt}`).digest('base64url');
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
