import { describe, expect, test } from 'vitest';
import { classifyMixError, type ErrorClass, MIX_ERRORS, TRANSPORT_CODES } from './errors.js';

/**
 * The reference's legacy table (§3), every code by name: its class on start and on cancel. A code
 * reclassified, or dropped from the catalogue, fails here.
 */
const LEGACY_TABLE: [code: number, onStart: ErrorClass, onCancel: ErrorClass][] = [
  [-1, 'permanent', 'permanent'],
  [-2, 'permanent', 'permanent'],
  [-3, 'permanent', 'permanent'],
  [-4, 'permanent', 'permanent'],
  [-9, 'permanent', 'permanent'],
  [-103, 'permanent', 'permanent'],
  [-11, 'permanent', 'permanent'],
  [-20, 'permanent', 'permanent'],
  [-21, 'permanent', 'permanent'],
  [-27, 'retry', 'retry'],
  [-28, 'retry', 'retry'],
  [-29, 'permanent', 'permanent'],
  [-33, 'permanent', 'permanent'],
  [-34, 'permanent', 'permanent'],
  [-41, 'permanent', 'permanent'],
  [-111, 'permanent', 'permanent'],
  [-300, 'permanent', 'permanent'],
  [-505, 'retry', 'retry'],
  [-507, 'retry', 'retry'],
  [-508, 'permanent', 'permanent'],
  [-10021, 'permanent', 'permanent'],
  [-10031, 'retry', 'retry'],
  [-30300, 'permanent', 'done'],
  [-31001, 'permanent', 'done'],
  [-31002, 'permanent', 'done'],
  [-31003, 'permanent', 'permanent'],
  [-31004, 'permanent', 'permanent'],
  [5, 'permanent', 'permanent'],
];

describe('classifyMixError', () => {
  test.each(LEGACY_TABLE)('%i: %s on start, %s on cancel', (code, onStart, onCancel) => {
    const started = classifyMixError(code, 'start');
    expect(started.class).toBe(onStart);
    expect(started.unknown).toBeUndefined();
    expect(classifyMixError(code, 'cancel').class).toBe(onCancel);
  });
  test.each(Object.values(TRANSPORT_CODES))(
    'transport outcome %s is transient on both operations',
    (code) => {
      expect(classifyMixError(code, 'start').class).toBe('retry');
      expect(classifyMixError(code, 'cancel').class).toBe('retry');
    },
  );
  test('"time expired" (the CGI query’s t) is re-signed and retried', () => {
    expect(classifyMixError(TRANSPORT_CODES.timeExpired, 'start')).toMatchObject({
      code: 'time_expired',
      class: 'retry',
    });
  });
  test('every catalogued code has a meaning and a hint, and the catalogue is the table', () => {
    for (const [code] of LEGACY_TABLE) {
      expect(MIX_ERRORS[code]?.hint.length, String(code)).toBeGreaterThan(5);
      expect(MIX_ERRORS[code]?.meaning.length, String(code)).toBeGreaterThan(5);
    }
    expect(Object.keys(MIX_ERRORS).map(Number).sort()).toEqual(LEGACY_TABLE.map(([c]) => c).sort());
  });
  test('an unknown code is permanent on both operations, says to contact support, and is marked', () => {
    const info = classifyMixError(-99999, 'start');
    expect(info).toMatchObject({ class: 'permanent', unknown: true });
    expect(info.hint).toMatch(/support/);
    expect(classifyMixError(-99999, 'cancel')).toMatchObject({ class: 'permanent', unknown: true });
  });
});
