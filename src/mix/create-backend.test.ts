import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { createBackend } from './create-backend.js';

const base = { TENCENT_APPID: '1252500000', TENCENT_MIX_KEY: 'k' };

describe('createBackend', () => {
  test('legacy by default', () => {
    expect(createBackend(loadConfig(base)).name).toBe('legacy');
  });

  test('api3 with TENCENT_SECRET_ID and TENCENT_SECRET_KEY', () => {
    const config = loadConfig({
      TENCENT_MIX_BACKEND: 'api3',
      TENCENT_SECRET_ID: 'AKIDx',
      TENCENT_SECRET_KEY: 's',
    });
    expect(createBackend(config).name).toBe('api3');
  });

  test.each([
    [{}, 'TENCENT_SECRET_ID, TENCENT_SECRET_KEY: required by the api3 mix backend'],
    [{ TENCENT_SECRET_ID: 'AKIDx' }, 'TENCENT_SECRET_KEY: required by the api3 mix backend'],
    [{ TENCENT_SECRET_KEY: 's' }, 'TENCENT_SECRET_ID: required by the api3 mix backend'],
  ])('api3 without %o is a one-line ConfigError', (secrets, message) => {
    const config = loadConfig({ ...base, TENCENT_MIX_BACKEND: 'api3', ...secrets });
    expect(() => createBackend(config)).toThrow(ConfigError);
    expect(() => createBackend(config)).toThrow(new ConfigError(message));
  });
});
