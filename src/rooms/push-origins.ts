import type { Cluster, Redis, Result } from 'ioredis';
import { keyMap } from './keys.js';
import { defineScript, withScript } from './scripts/define.js';

/**
 * The (push domain, AppName) pairs seen in push callbacks (`app` / `appname`): what the platform's
 * online list must be asked about (DescribeLiveStreamOnlineList filters by both). A small Redis set
 * written by the events worker. It is bounded, and only well-formed names get in, because callback
 * bodies are not covered by their signature: a forged body must not grow it without limit.
 */

export interface PushOrigin {
  /** Push domain, the callback's `app`. */
  domain: string;
  /** Push path, the callback's `appname`. */
  appName: string;
}

/** Host names (letters, digits, dots, hyphens) and AppNames (letters, digits, `_`, `-`, `.`). */
const DOMAIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;
const APP_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,128}$/;

export function isPushOrigin(origin: PushOrigin): boolean {
  return DOMAIN_PATTERN.test(origin.domain) && APP_NAME_PATTERN.test(origin.appName);
}

/** Adds a member unless present or the set is full. → 1 added, 0 present, -1 full. */
const ADD_BOUNDED = defineScript({
  name: 'mkAddBounded',
  keys: ['set'],
  args: { member: 'string', cap: 'number' },
  body: `
if redis.call('SISMEMBER', set, member) == 1 then return 0 end
if redis.call('SCARD', set) >= cap then return -1 end
redis.call('SADD', set, member)
return 1
`,
});

declare module 'ioredis' {
  interface RedisCommander<Context> {
    mkAddBounded(...argv: (string | number)[]): Result<number, Context>;
  }
}

export type RecordOutcome = 'added' | 'known' | 'full' | 'invalid';

export class PushOrigins {
  readonly key: string;
  private readonly max: number;
  private readonly knownUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis | Cluster,
    options: { namespace?: string; max?: number; now?: () => number } = {},
  ) {
    this.key = keyMap(options.namespace).pushOrigins;
    this.max = options.max ?? 64;
    this.now = options.now ?? Date.now;
  }

  async record(origin: PushOrigin): Promise<RecordOutcome> {
    if (!isPushOrigin(origin)) return 'invalid';
    // A domain is case-insensitive; `/` occurs in neither part, so it separates them.
    const member = `${origin.domain.toLowerCase()}/${origin.appName}`;
    // Nearly every push repeats a known pair: ask Redis about it once a minute, not per push (and
    // still re-add it within a minute should Redis lose the set).
    const now = this.now();
    if ((this.knownUntil.get(member) ?? 0) > now) return 'known';
    const result = await withScript(this.redis, ADD_BOUNDED).mkAddBounded(
      ...ADD_BOUNDED.argv({ set: this.key }, { member, cap: this.max }),
    );
    if (result >= 0) this.knownUntil.set(member, now + 60_000);
    return result === 1 ? 'added' : result === 0 ? 'known' : 'full';
  }

  async list(): Promise<PushOrigin[]> {
    const members = await this.redis.smembers(this.key);
    return members
      .map((member) => {
        const slash = member.indexOf('/');
        return { domain: member.slice(0, slash), appName: member.slice(slash + 1) };
      })
      .filter((origin) => origin.domain !== '' && isPushOrigin(origin))
      .sort((a, b) => `${a.domain}/${a.appName}`.localeCompare(`${b.domain}/${b.appName}`));
  }
}
