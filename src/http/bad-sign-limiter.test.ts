import { describe, expect, test } from 'vitest';
import { createBadSignLimiter } from './bad-sign-limiter.js';

function limiter(limit: number, windowMs = 60_000, maxClients?: number) {
  let now = 1_000_000;
  const l = createBadSignLimiter({
    limit,
    windowMs,
    now: () => now,
    ...(maxClients !== undefined ? { maxClients } : {}),
  });
  return {
    l,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('bad-sign limiter', () => {
  test('a client gets `limit` failures per window, then is limited until the window ends', () => {
    const { l, advance } = limiter(3);
    const verdicts = Array.from({ length: 5 }, () => l.recordFailure('198.51.100.7'));
    expect(verdicts.map((v) => v.limited)).toEqual([false, false, false, true, true]);
    expect(verdicts.map((v) => v.firstOverLimit)).toEqual([false, false, false, true, false]);
    expect(verdicts[3]?.retryAfterMs).toBe(60_000);
    advance(59_999);
    expect(l.recordFailure('198.51.100.7')).toMatchObject({ limited: true, retryAfterMs: 1 });
    advance(1);
    expect(l.recordFailure('198.51.100.7').limited).toBe(false);
  });

  test('clients are counted apart', () => {
    const { l } = limiter(1);
    l.recordFailure('a');
    expect(l.recordFailure('a').limited).toBe(true);
    expect(l.recordFailure('b').limited).toBe(false);
  });

  test('limit 0 turns it off', () => {
    const { l } = limiter(0);
    for (let i = 0; i < 100; i++) expect(l.recordFailure('a').limited).toBe(false);
    expect(l.size).toBe(0);
  });

  test('a spray of addresses keeps at most maxClients windows (the newest), at a bounded cost', () => {
    const { l, advance } = limiter(2, 1000, 100);
    const started = performance.now();
    l.recordFailure('keep');
    advance(500);
    for (let i = 0; i < 99; i++) l.recordFailure(`old${i}`);
    advance(600); // 'keep' has ended, the 99 others have not
    for (let i = 0; i < 100_000; i++) l.recordFailure(`198.51.${i >> 8}.${i & 255}`);
    expect(l.size).toBeLessThanOrEqual(100);
    // The newest windows survive the spray, and it stays cheap (no full scan per request).
    l.recordFailure('198.51.390.159');
    expect(l.recordFailure('198.51.390.159').limited).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
