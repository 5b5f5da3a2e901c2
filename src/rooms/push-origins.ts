import type { Cluster, Redis, Result } from 'ioredis';
import { isPushOrigin, type PushOrigin, parsePushOriginKey, pushOriginKey } from '../tencent/push-origin.js';
import { keyMap } from './keys.js';
import { defineScript, withScript } from './scripts/define.js';

export type { PushOrigin } from '../tencent/push-origin.js';

/**
 * The push origins (domain, AppName) learned from push callbacks, for the platform's online list
 * (TENCENT_PUSH_DOMAINS names the ones known in advance). A small Redis sorted set, member →
 * last seen, written by the events worker. An origin expires `ttlMs` (default 24 h) after it was
 * last seen in use, by a push or by an online list that showed streams under it: a domain no
 * longer pushed to is no longer asked about, while one whose streams run for days stays. It is
 * bounded, and only well-formed names get in, because callback bodies are not covered by their
 * signature: a forged body must not grow it without limit.
 */

export const LEARNED_ORIGIN_TTL_MS = 24 * 3600_000;

/**
 * Drops members last seen before `now - ttl`, then refreshes or adds one unless the set is full.
 * → 1 added, 0 present, -1 full.
 */
const SEEN_BOUNDED = defineScript({
  name: 'mkSeenBounded',
  keys: ['origins'],
  args: { member: 'string', cap: 'number', now: 'number', ttl: 'number' },
  body: `
redis.call('ZREMRANGEBYSCORE', origins, '-inf', '(' .. string.format('%.0f', now - ttl))
if redis.call('ZSCORE', origins, member) then
  redis.call('ZADD', origins, now, member)
  return 0
end
if redis.call('ZCARD', origins) >= cap then return -1 end
redis.call('ZADD', origins, now, member)
return 1
`,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mkSeenBounded(...argv: (string | number)[]): Result<number, Context>;
  }
}

export type RecordOutcome = 'added' | 'known' | 'full' | 'invalid';

export class PushOrigins {
  readonly key: string;
  private readonly legacyKey: string;
  private readonly max: number;
  private readonly ttlMs: number;
  private readonly knownUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis | Cluster,
    options: { namespace?: string; max?: number; ttlMs?: number; now?: () => number } = {},
  ) {
    const keys = keyMap(options.namespace);
    this.key = keys.pushOrigins;
    this.legacyKey = keys.legacyPushOrigins;
    this.max = options.max ?? 64;
    this.ttlMs = options.ttlMs ?? LEARNED_ORIGIN_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** A push named this origin. */
  async record(origin: PushOrigin): Promise<RecordOutcome> {
    if (!isPushOrigin(origin)) return 'invalid';
    const member = pushOriginKey(origin);
    // Nearly every push repeats a known pair: tell Redis once a minute, not per push (which also
    // re-adds it within a minute should Redis lose the set).
    const now = this.now();
    if ((this.knownUntil.get(member) ?? 0) > now) return 'known';
    const result = await withScript(this.redis, SEEN_BOUNDED).mkSeenBounded(
      ...SEEN_BOUNDED.argv({ origins: this.key }, { member, cap: this.max, now, ttl: this.ttlMs }),
    );
    if (result >= 0) this.knownUntil.set(member, now + 60_000);
    return result === 1 ? 'added' : result === 0 ? 'known' : 'full';
  }

  /**
   * At start-up: moves the origins an older version learned (a plain set, never expired) into the
   * sorted set as seen now, so they are asked about from the first resync, and deletes the old key.
   * Idempotent; the old set was capped like this one. → how many were moved.
   */
  async adoptLegacySet(): Promise<number> {
    const members = (await this.redis.smembers(this.legacyKey))
      .filter((member) => parsePushOriginKey(member) !== undefined)
      .slice(0, this.max);
    const now = this.now();
    if (members.length) await this.redis.zadd(this.key, 'NX', ...members.flatMap((member) => [now, member]));
    await this.redis.del(this.legacyKey);
    return members.length;
  }

  /** The online list showed streams under these origins: still in use. Adds none. */
  async touch(origins: readonly PushOrigin[]): Promise<void> {
    if (!origins.length) return;
    const now = this.now();
    await this.redis.zadd(this.key, 'XX', ...origins.flatMap((origin) => [now, pushOriginKey(origin)]));
  }

  /** The origins seen within the TTL, sorted. */
  async list(): Promise<PushOrigin[]> {
    const members = await this.redis.zrangebyscore(this.key, this.now() - this.ttlMs, '+inf');
    return members
      .flatMap((member) => parsePushOriginKey(member) ?? [])
      .sort((a, b) => pushOriginKey(a).localeCompare(pushOriginKey(b)));
  }
}
