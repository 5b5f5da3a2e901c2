import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The pages' login: the operator types ADMIN_TOKEN once, and gets a cookie that proves it
 * without being it: `<expiry>.<HMAC-SHA256(token, expiry)>`. Rotating the token ends every session;
 * a stolen cookie expires. Pure: the clock comes in as an argument.
 */

export const SESSION_COOKIE = 'mk_admin';
export const SESSION_TTL_MS = 12 * 3600_000;

export function issueSession(token: string, nowMs: number, ttlMs = SESSION_TTL_MS): string {
  const expiresAt = Math.floor((nowMs + ttlMs) / 1000);
  return `${expiresAt}.${signature(token, expiresAt)}`;
}

export function verifySession(token: string, value: string, nowMs: number): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  const valid = sameSecret(match[2]!, signature(token, expiresAt));
  return valid && expiresAt * 1000 > nowMs;
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
