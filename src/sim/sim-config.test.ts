import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { loadSimConfig, simulatorOptions } from './sim-config.js';

const KEYS = {
  TENCENT_APPID: '1400012345',
  TENCENT_CALLBACK_KEY: 'cb-secret-1',
  TENCENT_MIX_KEY: 'mix-secret-1',
};

/** The message `fn` throws; fails the test when it does not throw. */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a throw');
}

describe('loadSimConfig', () => {
  it('applies the defaults', () => {
    expect(loadSimConfig(KEYS)).toEqual({
      SIM_PORT: 9090,
      SIM_HOST: '127.0.0.1',
      SIM_TIME_SCALE: 1,
      TENCENT_APPID: 1400012345,
      TENCENT_CALLBACK_KEY: 'cb-secret-1',
      TENCENT_MIX_KEY: 'mix-secret-1',
    });
  });

  it('reads every variable', () => {
    const config = loadSimConfig({
      ...KEYS,
      SIM_PORT: '0',
      SIM_TIME_SCALE: '0.01',
      SIM_CALLBACK_URL: 'http://127.0.0.1:8080/callbacks/tencent',
    });
    expect(config).toMatchObject({
      SIM_PORT: 0,
      SIM_TIME_SCALE: 0.01,
      SIM_CALLBACK_URL: expect.stringContaining('/callbacks'),
    });
  });

  it('names a bad variable with the value it got', () => {
    expect(() => loadSimConfig({ ...KEYS, SIM_TIME_SCALE: 'fast' })).toThrow(
      /SIM_TIME_SCALE: .*\(got "fast"\)/,
    );
    expect(() => loadSimConfig({ ...KEYS, SIM_TIME_SCALE: '0' })).toThrow(/SIM_TIME_SCALE/);
    expect(() => loadSimConfig({ ...KEYS, SIM_PORT: '70000' })).toThrow(/SIM_PORT/);
    expect(() => loadSimConfig({ ...KEYS, SIM_CALLBACK_URL: 'ftp://x' })).toThrow(/SIM_CALLBACK_URL/);
  });

  it('names a missing secret', () => {
    const { TENCENT_MIX_KEY: _, ...withoutMixKey } = KEYS;
    expect(() => loadSimConfig(withoutMixKey)).toThrow('invalid configuration: TENCENT_MIX_KEY: required');
  });

  it('takes the API 3.0 key pair both or neither, without echoing the secret key', () => {
    const pair = { TENCENT_SECRET_ID: 'AKIDsimtest0001', TENCENT_SECRET_KEY: 'api3-secret-9' };
    expect(loadSimConfig({ ...KEYS, ...pair })).toMatchObject(pair);
    expect(() => loadSimConfig({ ...KEYS, TENCENT_SECRET_ID: pair.TENCENT_SECRET_ID })).toThrow(
      'invalid configuration: TENCENT_SECRET_KEY: required with TENCENT_SECRET_ID (set both or neither)',
    );
    const keyOnly = errorOf(() => loadSimConfig({ ...KEYS, TENCENT_SECRET_KEY: pair.TENCENT_SECRET_KEY }));
    expect(keyOnly).toBe(
      'invalid configuration: TENCENT_SECRET_ID: required with TENCENT_SECRET_KEY (set both or neither)',
    );
    expect(keyOnly).not.toContain(pair.TENCENT_SECRET_KEY);
  });
});

describe('simulatorOptions', () => {
  it('gives the factory every setting, the API 3.0 pair and callback URL only when set', () => {
    expect(simulatorOptions(loadSimConfig(KEYS))).toEqual({
      port: 9090,
      host: '127.0.0.1',
      timeScale: 1,
      appId: 1400012345,
      callbackKey: 'cb-secret-1',
      mixKey: 'mix-secret-1',
    });
    const full = loadSimConfig({
      ...KEYS,
      SIM_CALLBACK_URL: 'http://127.0.0.1:8080/callbacks/tencent',
      TENCENT_SECRET_ID: 'AKIDsimtest0001',
      TENCENT_SECRET_KEY: 'api3-secret-9',
    });
    expect(simulatorOptions(full)).toMatchObject({
      callbackUrl: 'http://127.0.0.1:8080/callbacks/tencent',
      secretId: 'AKIDsimtest0001',
      secretKey: 'api3-secret-9',
    });
  });
});

/** Runs `mixkeeper sim` as a user would: through src/cli.ts under tsx. */
function runCli(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'sim', ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): {
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
} {
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  return {
    out: () => out,
    err: () => err,
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

describe('mixkeeper sim', () => {
  it('exits 2 with one line naming a bad variable', async () => {
    const run = collect(runCli([], { ...KEYS, SIM_TIME_SCALE: 'fast' }));
    expect(await run.exit).toBe(2);
    const lines = run.err().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mixkeeper sim: invalid configuration: SIM_TIME_SCALE: .*"fast"/);
  });

  it('names the flag when the bad value came from one', async () => {
    const run = collect(runCli(['--port', 'abc'], KEYS));
    expect(await run.exit).toBe(2);
    expect(run.err()).toContain('SIM_PORT (--port)');
  });

  it('serves, prints its URLs without secrets, plays a scenario and closes on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--time-scale', '0.001', '--scenario', 'pk'], KEYS);
    const run = collect(child);
    await expect.poll(() => run.out(), { timeout: 15_000, interval: 50 }).toContain('scenario pk: done');
    const url = /listening on (http:\/\/\S+)/.exec(run.out())?.[1];
    expect(url).toBeDefined();
    expect(run.out()).toContain(`TENCENT_MIX_URL=${url}/common_access`);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    for (const secret of [KEYS.TENCENT_CALLBACK_KEY, KEYS.TENCENT_MIX_KEY])
      expect(run.out()).not.toContain(secret);
  });
});
