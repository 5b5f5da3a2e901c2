import { describe, expect, test } from 'vitest';
import { checkSign, md5Sign, signMatches } from './md5-sign.js';

describe('md5Sign', () => {
  test('matches the seed test vector', () => {
    expect(md5Sign('40328529ca4381a80c6ecf2e6aa57438', 1490858347)).toBe('7f29ed83c61b77de1b0d66936fd4fd44');
    expect(md5Sign('40328529ca4381a80c6ecf2e6aa57438', '1490858347')).toBe(
      '7f29ed83c61b77de1b0d66936fd4fd44',
    );
  });
});

describe('signMatches', () => {
  const key = 'k3y';
  const t = 1_700_000_000;
  test('accepts the right sign, in either case', () => {
    expect(signMatches(key, t, md5Sign(key, t))).toBe(true);
    expect(signMatches(key, t, md5Sign(key, t).toUpperCase())).toBe(true);
  });
  test('refuses another key, another t, a truncated or an empty sign', () => {
    expect(signMatches('other', t, md5Sign(key, t))).toBe(false);
    expect(signMatches(key, t + 1, md5Sign(key, t))).toBe(false);
    expect(signMatches(key, t, md5Sign(key, t).slice(0, 31))).toBe(false);
    expect(signMatches(key, t, '')).toBe(false);
    expect(signMatches(key, t, `${md5Sign(key, t)}0`)).toBe(false);
  });
});

describe('checkSign', () => {
  const key = 'k3y';
  const now = 1_700_000_000_000;
  const t = now / 1000 + 600;
  test('a fresh callback is ok', () => expect(checkSign([key], t, md5Sign(key, t), now)).toBe('ok'));
  test('a wrong sign is refused before expiry is looked at', () => {
    expect(checkSign([key], t - 10_000, 'ffff', now)).toBe('bad-sign');
  });
  test('t in the past beyond the skew tolerance is expired; within it is ok', () => {
    const past = now / 1000 - 31;
    expect(checkSign([key], past, md5Sign(key, past), now)).toBe('expired');
    const justPast = now / 1000 - 29;
    expect(checkSign([key], justPast, md5Sign(key, justPast), now)).toBe('ok');
  });
  test('during a rotation either key is accepted, and no other', () => {
    const keys = ['new-key', 'old-key'];
    expect(checkSign(keys, t, md5Sign('new-key', t), now)).toBe('ok');
    expect(checkSign(keys, t, md5Sign('old-key', t), now)).toBe('ok');
    expect(checkSign(keys, t, md5Sign('third-key', t), now)).toBe('bad-sign');
    expect(checkSign(['new-key'], t, md5Sign('old-key', t), now)).toBe('bad-sign');
  });
});
