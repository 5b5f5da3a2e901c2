import { describe, expect, test } from 'vitest';
import { PLATFORM_TIMING } from '../test/support/platform-timing.js';
import { ConfigError, describeConfig, loadConfig } from './config.js';

describe('loadConfig', () => {
  test('an empty environment gives the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      PORT: 8080,
      REDIS_URL: 'redis://127.0.0.1:6379',
      TENCENT_MIX_BACKEND: 'legacy',
      TENCENT_MIX_URL: 'http://fcgi.video.qcloud.com/common_access',
      TENCENT_API_URL: 'https://live.tencentcloudapi.com',
      // The defaults are the platform's timing rules.
      MIX_READY_DELAY_MS: PLATFORM_TIMING.readyDelayMs,
      MIX_CANCEL_MIN_AGE_MS: PLATFORM_TIMING.cancelMinAgeMs,
      MIX_SESSION_REUSE_MS: PLATFORM_TIMING.sessionReuseMs,
      MIX_MIN_START_INTERVAL_MS: PLATFORM_TIMING.minStartIntervalMs,
      MIX_DEBOUNCE_MS: 300,
      MIX_RETRY_BASE_MS: 2000,
      MIX_RETRY_MAX_ATTEMPTS: 8,
      MIX_REQUEST_TIMEOUT_MS: 5000,
      MIX_LEAVE_GRACE_MS: 3000,
      LOG_LEVEL: 'info',
    });
  });

  test('numbers are read from strings; empty means unset', () => {
    const config = loadConfig({
      PORT: '9000',
      TENCENT_APPID: '1252500000',
      MIX_READY_DELAY_MS: '50',
      ADMIN_TOKEN: '',
    });
    expect(config.PORT).toBe(9000);
    expect(config.TENCENT_APPID).toBe(1252500000);
    expect(config.MIX_READY_DELAY_MS).toBe(50);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  test('TENCENT_PUSH_DOMAINS lists push origins, domain[/appname], AppName live by default', () => {
    expect(
      loadConfig({ TENCENT_PUSH_DOMAINS: 'push.example.com, push.example.com/studio' }).TENCENT_PUSH_DOMAINS,
    ).toEqual([
      { domain: 'push.example.com', appName: 'live' },
      { domain: 'push.example.com', appName: 'studio' },
    ]);
    expect(loadConfig({}).TENCENT_PUSH_DOMAINS).toBeUndefined();
    for (const bad of ['rtmp://push.example.com', 'push.example.com/a/b', 'push.example.com,', '-x.com']) {
      expect(() => loadConfig({ TENCENT_PUSH_DOMAINS: bad }), bad).toThrow(
        /TENCENT_PUSH_DOMAINS: domain\[\/appname\]/,
      );
    }
  });

  test('TENCENT_PUSH_DOMAINS holds each entry to the rule callbacks’ origins are held to, naming a bad one', () => {
    // The same rule as src/tencent/push-origin.ts: no trailing dot or hyphen, no empty AppName.
    for (const bad of ['push.example.com.', 'a-', 'push.example.com/', 'push.example.com/a b']) {
      expect(() => loadConfig({ TENCENT_PUSH_DOMAINS: `ok.example.com,${bad}` }), bad).toThrow(
        `${JSON.stringify(bad)} is not one`,
      );
    }
    expect(loadConfig({ TENCENT_PUSH_DOMAINS: 'a1,push.example.com/st_1.x' }).TENCENT_PUSH_DOMAINS).toEqual([
      { domain: 'a1', appName: 'live' },
      { domain: 'push.example.com', appName: 'st_1.x' },
    ]);
  });

  test('TENCENT_ONLINE_LIST_PAGE_SIZE: 300000 by default, an integer within the doc’s 10-300000', () => {
    expect(loadConfig({}).TENCENT_ONLINE_LIST_PAGE_SIZE).toBe(300_000);
    expect(loadConfig({ TENCENT_ONLINE_LIST_PAGE_SIZE: '500' }).TENCENT_ONLINE_LIST_PAGE_SIZE).toBe(500);
    for (const bad of ['9', '300001', '100.5', 'all']) {
      expect(() => loadConfig({ TENCENT_ONLINE_LIST_PAGE_SIZE: bad }), bad).toThrow(
        /TENCENT_ONLINE_LIST_PAGE_SIZE/,
      );
    }
  });

  test('a wrong value stops start-up with one line naming the variable and what it accepts', () => {
    expect(() => loadConfig({ TENCENT_MIX_BACKEND: 'v3' })).toThrow(ConfigError);
    expect(() => loadConfig({ TENCENT_MIX_BACKEND: 'v3' })).toThrow(
      /TENCENT_MIX_BACKEND: .*legacy.*api3.*"v3"/,
    );
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/^invalid configuration: PORT: .*"eighty"/);
    expect(() => loadConfig({ MIX_RETRY_MAX_ATTEMPTS: '0' })).toThrow(/MIX_RETRY_MAX_ATTEMPTS/);
  });

  test('settings that contradict each other are refused, naming the one to change', () => {
    expect(() => loadConfig({ RECONCILE_LEASE_MS: '1000', MIX_REQUEST_TIMEOUT_MS: '5000' })).toThrow(
      /RECONCILE_LEASE_MS: must be longer than MIX_REQUEST_TIMEOUT_MS \(5000\) \(got "1000"\)/,
    );
    expect(
      loadConfig({ RECONCILE_LEASE_MS: '5001', MIX_REQUEST_TIMEOUT_MS: '5000' }).RECONCILE_LEASE_MS,
    ).toBe(5001);
    // Unset, it follows the request timeout (computed in config.ts, documented there).
    expect(loadConfig({ MIX_REQUEST_TIMEOUT_MS: '3000' }).RECONCILE_LEASE_MS).toBe(16_000);
    expect(() => loadConfig({ PORT: '8080', ADMIN_PORT: '8080' })).toThrow(
      /ADMIN_PORT: must differ from PORT/,
    );
    expect(() => loadConfig({ ADMIN_PORT: '8080' })).toThrow(/ADMIN_PORT/);
    expect(loadConfig({ ADMIN_PORT: '8081' }).ADMIN_PORT).toBe(8081);
  });

  test('the message never repeats a secret value', () => {
    let message = '';
    try {
      loadConfig({ ADMIN_TOKEN: 'short-secret' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/ADMIN_TOKEN: at least 32 characters/);
    expect(message).not.toContain('short-secret');
  });
});

describe('describeConfig', () => {
  test('shows whether secrets are set, never their values', () => {
    const shown = describeConfig(
      loadConfig({
        TENCENT_CALLBACK_KEY: 'cb-key-canary',
        TENCENT_CALLBACK_KEY_PREVIOUS: 'cb-old-key-canary',
        TENCENT_SECRET_ID: 'AKIDcanary',
        ADMIN_TOKEN: 'a'.repeat(32),
      }),
    );
    expect(JSON.stringify(shown)).not.toMatch(/canary|aaaa/);
    expect(shown.TENCENT_CALLBACK_KEY).toBe(true);
    expect(shown.TENCENT_CALLBACK_KEY_PREVIOUS).toBe(true);
    expect(shown.TENCENT_MIX_KEY).toBe(false);
  });
});
