import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * Signed-out sessions. A session cookie proves itself (admin-session.ts), so signing out must be
 * remembered until the cookie would have expired anyway: one Redis key per signed-out session,
 * named by a hash of the cookie (never the cookie), gone at that expiry. Every API replica sees it,
 * so a live page opened through another one ends too.
 */

export interface SessionRevocations {
  /** Remembers `cookie` as signed out for `ttlMs`: what is left of its session. */
  revoke(cookie: string, ttlMs: number): Promise<void>;
  isRevoked(cookie: string): Promise<boolean>;
}

export function redisSessionRevocations(redis: Redis | Cluster, namespace: string): SessionRevocations {
  const key = (cookie: string) =>
    `${namespace}:admin-signed-out:${createHash('sha256').update(cookie).digest('base64url')}`;
  return {
    async revoke(cookie, ttlMs) {
      await redis.set(key(cookie), '1', 'PX', Math.max(1000, Math.ceil(ttlMs)));
    },
    async isRevoked(cookie) {
      return (await redis.exists(key(cookie))) === 1;
    },
  };
}
