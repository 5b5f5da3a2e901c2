import { describe, expect, test } from 'vitest';
import { deliveryOutcome, deliveryRetryDelayMs } from './delivery-outcome.js';

describe('deliveryOutcome', () => {
  test.each([
    [200, 'delivered'],
    [204, 'delivered'],
    [0, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
    [408, 'retry'],
    [429, 'retry'],
    [400, 'gave_up'],
    [401, 'gave_up'],
    [404, 'gave_up'],
    [410, 'gave_up'],
    [301, 'gave_up'],
  ] as const)('HTTP %i on a first attempt: %s', (status, outcome) => {
    expect(deliveryOutcome(status, 1, 24)).toBe(outcome);
  });

  test('a retryable answer on the last attempt expires the event; a 2xx there still delivers it', () => {
    expect(deliveryOutcome(503, 24, 24)).toBe('expired');
    expect(deliveryOutcome(0, 24, 24)).toBe('expired');
    expect(deliveryOutcome(200, 24, 24)).toBe('delivered');
  });
});

describe('deliveryRetryDelayMs', () => {
  const retry = { baseMs: 10_000, capMs: 2 * 3600_000 };

  test('doubles from the base up to the cap, jittered to 50–100 % of it', () => {
    expect(deliveryRetryDelayMs(1, retry, 0)).toBe(5000);
    expect(deliveryRetryDelayMs(1, retry, 1)).toBe(10_000);
    expect(deliveryRetryDelayMs(4, retry, 1)).toBe(80_000);
    expect(deliveryRetryDelayMs(30, retry, 1)).toBe(retry.capMs);
    expect(deliveryRetryDelayMs(30, retry, 0)).toBe(retry.capMs / 2);
  });

  test('a Retry-After longer than the backoff is honoured, up to the cap', () => {
    expect(deliveryRetryDelayMs(1, retry, 0, 60_000)).toBe(60_000);
    expect(deliveryRetryDelayMs(1, retry, 0, 10 * 3600_000)).toBe(retry.capMs);
  });

  test('the defaults (24 attempts, 10 s base, 2 h cap) retry for about a day: 14 to 29 hours, 22 on average', () => {
    const total = (random: number) =>
      Array.from({ length: 23 }, (_, i) => deliveryRetryDelayMs(i + 1, retry, random)).reduce(
        (a, b) => a + b,
        0,
      );
    expect(total(0) / 3600_000).toBeGreaterThan(14);
    expect(total(1) / 3600_000).toBeLessThan(29);
    expect(total(0.5) / 3600_000).toBeCloseTo(21.6, 0);
  });
});
