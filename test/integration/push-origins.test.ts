import { describe, expect, test } from 'vitest';
import { keyMap } from '../../src/rooms/keys.js';
import { LEARNED_ORIGIN_TTL_MS, PushOrigins } from '../../src/rooms/push-origins.js';
import { manualClock } from '../support/manual-clock.js';
import { useRedis } from '../support/redis.js';

const { redis, namespace } = useRedis();
let counter = 0;
/** A set of its own per test, under the file's namespace. */
const fresh = (max?: number, now?: () => number) => {
  counter += 1;
  return new PushOrigins(redis, {
    namespace: `${namespace}:${counter}`,
    ...(max ? { max } : {}),
    ...(now ? { now } : {}),
  });
};

describe('PushOrigins', () => {
  test('keeps each (domain, AppName) pair once; the domain case-insensitively', async () => {
    const origins = fresh();
    expect(await origins.record({ domain: 'push.example.com', appName: 'live' })).toBe('added');
    expect(await origins.record({ domain: 'PUSH.example.com', appName: 'live' })).toBe('known');
    expect(await origins.record({ domain: 'push.example.com', appName: 'studio' })).toBe('added');
    expect(await origins.record({ domain: '1252500000.livepush.myqcloud.com', appName: 'live' })).toBe(
      'added',
    );
    expect(await origins.list()).toEqual([
      { domain: '1252500000.livepush.myqcloud.com', appName: 'live' },
      { domain: 'push.example.com', appName: 'live' },
      { domain: 'push.example.com', appName: 'studio' },
    ]);
    expect(await redis.zcard(origins.key)).toBe(3);
  });

  test.each([
    { domain: '', appName: 'live' },
    { domain: 'push.example.com', appName: '' },
    { domain: 'evil.com/x', appName: 'live' },
    { domain: 'push.example.com', appName: 'a/b' },
    { domain: 'has space.com', appName: 'live' },
    { domain: 'push.example.com', appName: 'x'.repeat(129) },
  ])('refuses the malformed %o (callback bodies are not signed)', async (origin) => {
    const origins = fresh();
    expect(await origins.record(origin)).toBe('invalid');
    expect(await origins.list()).toEqual([]);
  });

  test('is bounded: past the cap new pairs are dropped, known ones still count as known', async () => {
    const origins = fresh(2);
    expect(await origins.record({ domain: 'a.test', appName: 'live' })).toBe('added');
    expect(await origins.record({ domain: 'b.test', appName: 'live' })).toBe('added');
    expect(await origins.record({ domain: 'c.test', appName: 'live' })).toBe('full');
    expect(await origins.record({ domain: 'a.test', appName: 'live' })).toBe('known');
    expect((await origins.list()).map((o) => o.domain)).toEqual(['a.test', 'b.test']);
  });

  test('a learned origin expires 24 h after it was last seen in use; a push or a listing renews it', async () => {
    const clock = manualClock(1_800_000_000_000);
    const origins = fresh(undefined, clock.now);
    const pushed = { domain: 'pushed.test', appName: 'live' };
    const listed = { domain: 'listed.test', appName: 'live' };
    const idle = { domain: 'idle.test', appName: 'live' };
    for (const origin of [pushed, listed, idle]) expect(await origins.record(origin)).toBe('added');

    clock.advance(LEARNED_ORIGIN_TTL_MS - 60_000);
    expect(await origins.record(pushed)).toBe('known');
    await origins.touch([listed]);
    // touch refreshes, never adds.
    await origins.touch([{ domain: 'never.test', appName: 'live' }]);
    clock.advance(60_001);
    expect((await origins.list()).map((o) => o.domain)).toEqual(['listed.test', 'pushed.test']);

    clock.advance(LEARNED_ORIGIN_TTL_MS);
    expect(await origins.list()).toEqual([]);
    // An expired origin frees its place under the cap, and comes back when pushed to again.
    expect(await origins.record(idle)).toBe('added');
    expect(await redis.zcard(origins.key)).toBe(1);
  });

  test('expired origins make room under the cap', async () => {
    const clock = manualClock(1_800_000_000_000);
    const origins = fresh(1, clock.now);
    expect(await origins.record({ domain: 'a.test', appName: 'live' })).toBe('added');
    expect(await origins.record({ domain: 'b.test', appName: 'live' })).toBe('full');
    clock.advance(LEARNED_ORIGIN_TTL_MS + 1);
    expect(await origins.record({ domain: 'b.test', appName: 'live' })).toBe('added');
  });

  test('the set an older version learned is moved in once at start-up, as seen now, then deleted', async () => {
    const clock = manualClock(1_800_000_000_000);
    counter += 1;
    const keys = keyMap(`${namespace}:${counter}`);
    const origins = new PushOrigins(redis, { namespace: keys.namespace, now: clock.now });
    await redis.sadd(keys.legacyPushOrigins, 'old.test/live', 'old.test/studio', 'bad domain/live');
    expect(await origins.record({ domain: 'new.test', appName: 'live' })).toBe('added');

    expect(await origins.adoptLegacySet()).toBe(2);
    expect(await redis.exists(keys.legacyPushOrigins)).toBe(0);
    expect((await origins.list()).map((o) => `${o.domain}/${o.appName}`)).toEqual([
      'new.test/live',
      'old.test/live',
      'old.test/studio',
    ]);
    // Moved as seen now: they expire like any learned origin.
    clock.advance(LEARNED_ORIGIN_TTL_MS + 1);
    expect(await origins.list()).toEqual([]);
    // A second start finds nothing to move.
    expect(await origins.adoptLegacySet()).toBe(0);
  });
});
