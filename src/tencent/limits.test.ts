import { describe, expect, test } from 'vitest';
import { isGeometryValue } from './limits.js';

describe('isGeometryValue', () => {
  test.each([0, 1, 380, 3000, 0.01, 0.5, 0.99])('%d is valid', (v) => expect(isGeometryValue(v)).toBe(true));
  test.each([-1, 0.005, 0.995, 3000.5, 3001, Number.NaN, Number.POSITIVE_INFINITY])('%d is not', (v) =>
    expect(isGeometryValue(v)).toBe(false),
  );
});
