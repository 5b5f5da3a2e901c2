import { describe, expect, test } from 'vitest';
import { retryDelayMs } from './backoff.js';

const policy = { baseMs: 2000, capMs: 60_000 };

describe('retryDelayMs', () => {
  test('the ceiling doubles per attempt from the base, up to the cap', () => {
    const top = () => 0.999999;
    expect(retryDelayMs(1, policy, top)).toBe(1999);
    expect(retryDelayMs(2, policy, top)).toBe(3999);
    expect(retryDelayMs(4, policy, top)).toBe(15_999);
    expect(retryDelayMs(10, policy, top)).toBe(59_999);
    expect(retryDelayMs(1000, policy, top)).toBe(59_999);
  });
  test('full jitter: anywhere from zero to the ceiling', () => {
    expect(retryDelayMs(3, policy, () => 0)).toBe(0);
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(4000);
  });
});
