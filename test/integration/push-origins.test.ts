import { describe, expect, test } from 'vitest';
import { PushOrigins } from '../../src/rooms/push-origins.js';
import { useRedis } from '../support/redis.js';

const { redis, namespace } = useRedis();
let counter = 0;
/** A set of its own per test, under the file's namespace. */
const fresh = (max?: number) => {
  counter += 1;
  return new PushOrigins(redis, { namespace: `${namespace}:${counter}`, ...(max ? { max } : {}) });
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
    expect(await redis.scard(origins.key)).toBe(3);
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
});
