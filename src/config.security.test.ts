import { describe, expect, test } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config.js';

/** Issue 14 §1.6 and §4: the configuration refuses a key shared across trust boundaries and never echoes a password. */

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
}

describe('configuration secrets', () => {
  test('TENCENT_MIX_KEY equal to the callback key (current or previous) is refused, without echoing it', () => {
    const key = 'shared-key-5f1e9c2d';
    for (const env of [
      { TENCENT_CALLBACK_KEY: key, TENCENT_MIX_KEY: key },
      { TENCENT_CALLBACK_KEY: 'other-key', TENCENT_CALLBACK_KEY_PREVIOUS: key, TENCENT_MIX_KEY: key },
    ]) {
      const message = errorOf(env);
      expect(message).toMatch(/TENCENT_MIX_KEY: must differ from TENCENT_CALLBACK_KEY/);
      expect(message).not.toContain(key);
    }
    expect(loadConfig({ TENCENT_CALLBACK_KEY: 'a-key', TENCENT_MIX_KEY: 'b-key' }).TENCENT_MIX_KEY).toBe(
      'b-key',
    );
  });

  test('a bad URL with a password in it is named without the password', () => {
    for (const url of [
      'redis://:hunter2@redis.internal:99999999',
      'http://admin:hunter2@redis.internal:6379',
      'redis://admin:hun@ter2@redis.internal:6379 x',
      'redis//admin:hunter2@redis.internal',
    ]) {
      const message = errorOf({ REDIS_URL: url });
      expect(message, url).toMatch(/^invalid configuration: REDIS_URL: /);
      expect(message, url).not.toContain('hunter2');
      expect(message, url).not.toContain('ter2');
      expect(message, url).toContain('***@redis.internal');
    }
    expect(errorOf({ TENCENT_API_URL: 'https://id:hunter2@api example.com' })).not.toContain('hunter2');
  });

  test('the described configuration shows REDIS_URL without its password', () => {
    const described = describeConfig(
      loadConfig({ REDIS_URL: 'redis://default:hunter2@redis.internal:6379/0' }),
    );
    expect(described.REDIS_URL).toBe('redis://***@redis.internal:6379/0');
    expect(JSON.stringify(described)).not.toContain('hunter2');
  });

  test('a malformed CALLBACK_PATH_TOKEN is refused without being echoed; a set one is described as set', () => {
    const message = errorOf({ CALLBACK_PATH_TOKEN: 'too-short-secret' });
    expect(message).toMatch(/CALLBACK_PATH_TOKEN/);
    expect(message).not.toContain('too-short-secret');
    const token = 'x'.repeat(40);
    expect(JSON.stringify(describeConfig(loadConfig({ CALLBACK_PATH_TOKEN: token })))).not.toContain(token);
  });

  test('VERIFY_NEW_STREAMS needs the Cloud API 3.0 keys', () => {
    expect(errorOf({ VERIFY_NEW_STREAMS: 'true' })).toMatch(/VERIFY_NEW_STREAMS: needs TENCENT_SECRET_ID/);
    expect(
      loadConfig({ VERIFY_NEW_STREAMS: 'true', TENCENT_SECRET_ID: 'id', TENCENT_SECRET_KEY: 'key' })
        .VERIFY_NEW_STREAMS,
    ).toBe(true);
    expect(loadConfig({}).VERIFY_NEW_STREAMS).toBe(false);
  });
});
