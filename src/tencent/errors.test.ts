import { describe, expect, test } from 'vitest';
import { classifyMixError, MIX_ERRORS, TRANSPORT_CODES } from './errors.js';

describe('classifyMixError', () => {
  test.each([-505, -507, -10031, -28])('%i is transient on start', (code) => {
    expect(classifyMixError(code, 'start').class).toBe('retry');
  });
  test.each(Object.values(TRANSPORT_CODES))(
    'transport outcome %s is transient on both operations',
    (code) => {
      expect(classifyMixError(code, 'start').class).toBe('retry');
      expect(classifyMixError(code, 'cancel').class).toBe('retry');
    },
  );
  test.each([-30300, -31001, -31002])(
    '%i means already done on cancel, but is permanent on start',
    (code) => {
      expect(classifyMixError(code, 'cancel').class).toBe('done');
      expect(classifyMixError(code, 'start').class).toBe('permanent');
    },
  );
  test.each([-1, -2, -3, -4, -11, -20, -21, -29, -33, -34, -111, -300, -508, -31003, -31004])(
    '%i is permanent',
    (code) => {
      expect(classifyMixError(code, 'start').class).toBe('permanent');
    },
  );
  test('every code of the seed table is catalogued with a meaning and a hint', () => {
    const seedCodes = [
      -1, -2, -3, -4, -11, -20, -21, -28, -29, -33, -34, -111, -300, -505, -507, -508, -10031,
    ];
    for (const code of [...seedCodes, -30300, -31001, -31002, -31003, -31004]) {
      expect(MIX_ERRORS[code]?.hint.length, String(code)).toBeGreaterThan(5);
    }
  });
  test('an unknown code is permanent and says to contact support', () => {
    const info = classifyMixError(-99999, 'start');
    expect(info.class).toBe('permanent');
    expect(info.hint).toMatch(/support/);
  });
});
