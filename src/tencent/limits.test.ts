import { describe, expect, test } from 'vitest';
import { isGeometryValue, LIMITS } from './limits.js';

describe('isGeometryValue', () => {
  test.each([0, 1, 380, 3000, 0.01, 0.5, 0.99])('%d is valid on Mix_StreamV2', (v) =>
    expect(isGeometryValue(v, LIMITS.legacy)).toBe(true),
  );
  test.each([-1, 0.005, 0.995, 3000.5, 3001, Number.NaN, Number.POSITIVE_INFINITY])('%d is not', (v) =>
    expect(isGeometryValue(v, LIMITS.legacy)).toBe(false),
  );
  test('Cloud API 3.0 takes pixels up to 2000 only (reference §6.2)', () => {
    expect(isGeometryValue(2000, LIMITS.api3)).toBe(true);
    expect(isGeometryValue(2001, LIMITS.api3)).toBe(false);
    expect(isGeometryValue(2001, LIMITS.legacy)).toBe(true);
  });
});
