import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { loadConfig, SHUTDOWN_BACKSTOP_MS } from '../../src/config.js';
import { loadSimConfig } from '../../src/sim/index.js';
import {
  asArray,
  asRecord,
  at,
  CONFIG_VARIABLES,
  interpolation,
  type Node,
  read,
  redisConf,
  resolveEnvironment,
  resolveValue,
  secretVariables,
  yamlFile,
} from './manifests.js';

/**
 * docker-compose.yml as `docker compose` would read it. No Docker engine runs here, so the file
 * is parsed and its wiring checked: the demo must work from `docker compose --profile local up`.
 */

const compose = yamlFile('docker-compose.yml');
const service = (name: string) => asRecord(at(compose, 'services', name));
const placeholder = (name: string) =>
  name === 'ADMIN_TOKEN' ? 'x'.repeat(32) : `${name.toLowerCase()}-value`;
const envOf = (name: string) => resolveEnvironment(service(name).environment, placeholder);
const seconds = (value: Node) => {
  const match = /^(\d+)s$/.exec(String(value));
  if (!match) throw new Error(`not a duration in seconds: ${String(value)}`);
  return Number(match[1]) * 1000;
};

describe('docker-compose.yml', () => {
  test('redis keeps an AOF fsynced every second, never evicts, has a healthcheck and a volume', () => {
    const redis = service('redis');
    expect(String(redis.image)).toMatch(/^redis:7\.\d/);
    const volumes = asArray(redis.volumes).map(String);
    expect(volumes).toContain('./deploy/redis.conf:/usr/local/etc/redis/redis.conf:ro');
    const dataVolume = volumes.find((v) => v.endsWith(':/data'))?.split(':')[0];
    expect(dataVolume && Object.keys(asRecord(at(compose, 'volumes')))).toContain(dataVolume);
    expect(asArray(redis.command).slice(0, 2)).toEqual(['redis-server', '/usr/local/etc/redis/redis.conf']);
    const healthcheck = asArray(at(redis, 'healthcheck', 'test')).map(String);
    expect(healthcheck.join(' ')).toMatch(/redis-cli ping \| grep -q PONG/);
    // It authenticates: a NOAUTH answer must not count as healthy.
    expect(interpolation(at(redis, 'environment', 'REDISCLI_AUTH'))).toMatchObject({
      name: 'REDIS_PASSWORD',
      kind: 'required',
    });
    const conf = redisConf(read('deploy/redis.conf'));
    expect(conf.get('appendonly')).toEqual(['yes']);
    expect(conf.get('appendfsync')).toEqual(['everysec']);
    expect(conf.get('maxmemory-policy')).toEqual(['noeviction']);
  });

  test('two api and two worker replicas of the one image, the command picking the role', () => {
    for (const [name, role] of [
      ['api', 'api'],
      ['worker', 'worker'],
      ['sim', 'sim'],
    ] as const) {
      const s = service(name);
      expect(s.image).toBe('mixkeeper:local');
      expect(at(s, 'build', 'dockerfile')).toBe('deploy/Dockerfile');
      expect(asArray(s.command)[0]).toBe(role);
    }
    expect(at(service('api'), 'deploy', 'replicas')).toBe(2);
    expect(at(service('worker'), 'deploy', 'replicas')).toBe(2);
    for (const name of ['api', 'worker']) {
      expect(at(service(name), 'depends_on', 'redis', 'condition')).toBe('service_healthy');
      expect(service(name).profiles).toBeUndefined();
    }
  });

  test('the simulator is in the local profile and wired both ways: callbacks to the API, mix requests to it', () => {
    const sim = service('sim');
    expect(asArray(sim.profiles)).toEqual(['local']);
    const simEnv = envOf('sim');
    const simConfig = loadSimConfig(simEnv);
    expect(simConfig.SIM_HOST).toBe('0.0.0.0');

    const api = loadConfig(envOf('api'));
    const callback = new URL(simConfig.SIM_CALLBACK_URL ?? '');
    expect(callback.hostname).toBe('api');
    expect(Number(callback.port)).toBe(api.PORT);
    expect(callback.pathname).toBe('/callbacks/tencent');

    const worker = loadConfig(envOf('worker'));
    const mix = new URL(worker.TENCENT_MIX_URL);
    expect(mix.hostname).toBe('sim');
    expect(Number(mix.port)).toBe(simConfig.SIM_PORT);
    expect(mix.pathname).toBe('/common_access');

    // Both ends sign with the same keys: the same variables feed them.
    for (const key of ['TENCENT_CALLBACK_KEY', 'TENCENT_MIX_KEY', 'TENCENT_APPID'] as const) {
      const simRef = interpolation(at(sim, 'environment', key));
      const serviceRef = interpolation(
        at(service(key === 'TENCENT_CALLBACK_KEY' ? 'api' : 'worker'), 'environment', key),
      );
      expect(simRef?.name).toBe(key);
      expect(serviceRef?.name).toBe(key);
    }
  });

  test('every variable is one mixkeeper knows, and each role validates', () => {
    for (const name of ['api', 'worker']) {
      for (const variable of Object.keys(envOf(name))) expect(CONFIG_VARIABLES).toContain(variable);
      expect(() => loadConfig(envOf(name))).not.toThrow();
    }
    expect(loadConfig(envOf('api')).REDIS_URL).toBe('redis://:redis_password-value@redis:6379');
  });

  test('redis has a password and a maxmemory, and both roles log in with that password', () => {
    const command = asArray(service('redis').command).map(String);
    const flag = (name: string) => command[command.indexOf(name) + 1];
    expect(command).toContain('--requirepass');
    expect(interpolation(flag('--requirepass'))).toMatchObject({ name: 'REDIS_PASSWORD', kind: 'required' });
    const maxmemory = resolveValue(flag('--maxmemory'), placeholder);
    expect(maxmemory).toMatch(/^[1-9]\d*(mb|gb)$/);
    // Below the container's limit, so Redis refuses writes before the kernel kills it.
    const limit = String(at(service('redis'), 'deploy', 'resources', 'limits', 'memory'));
    const mib = (size: string) => Number(/^(\d+)/.exec(size)?.[1]) * (/g/i.test(size) ? 1024 : 1);
    expect(mib(maxmemory)).toBeLessThan(mib(limit));
    for (const name of ['api', 'worker']) {
      const url = new URL(loadConfig(envOf(name)).REDIS_URL);
      expect(url.password).toBe(placeholder('REDIS_PASSWORD'));
      expect(url.hostname).toBe('redis');
    }
  });

  test('the operator surface has a port of its own, published on 127.0.0.1 only', () => {
    const api = loadConfig(envOf('api'));
    expect(api.ADMIN_PORT).toBeDefined();
    expect(api.ADMIN_PORT).not.toBe(api.PORT);
    const published = asArray(service('api').ports).map(String);
    const admin = published.filter((p) => p.endsWith(`:${api.ADMIN_PORT}`));
    expect(admin).toHaveLength(1);
    for (const port of published) expect(port.startsWith('127.0.0.1:'), port).toBe(true);
    for (const name of Object.keys(asRecord(at(compose, 'services')))) {
      for (const port of asArray(service(name).ports).map(String)) {
        expect(port.startsWith('127.0.0.1:'), `${name} ${port}`).toBe(true);
      }
    }
  });

  test('no secret is written in the file: each comes from the environment, required, without a default', () => {
    const secrets = secretVariables();
    expect(secrets).toContain('TENCENT_CALLBACK_KEY');
    // The key being rotated out is the one optional secret: unset (empty) except during a rotation.
    const optional = new Set(['TENCENT_CALLBACK_KEY_PREVIOUS']);
    const seen = new Set<string>();
    for (const name of Object.keys(asRecord(at(compose, 'services')))) {
      for (const [variable, value] of Object.entries(asRecord(service(name).environment))) {
        if (!secrets.has(variable)) continue;
        seen.add(variable);
        expect(interpolation(value), `${name}.${variable}`).toMatchObject(
          optional.has(variable)
            ? { name: variable, kind: 'default', rest: '' }
            : { name: variable, kind: 'required' },
        );
      }
    }
    expect([...seen].sort()).toEqual([
      'ADMIN_TOKEN',
      'TENCENT_CALLBACK_KEY',
      'TENCENT_CALLBACK_KEY_PREVIOUS',
      'TENCENT_MIX_KEY',
    ]);
    // Least privilege: the API never holds the mix key, the workers never the callback key.
    expect(Object.keys(envOf('api'))).not.toContain('TENCENT_MIX_KEY');
    expect(Object.keys(envOf('worker'))).not.toContain('TENCENT_CALLBACK_KEY');
  });

  test('the .env example names every variable the file interpolates, with no value for a secret', () => {
    const example = read('deploy/compose.env.example');
    const assigned = new Map(
      example
        .split('\n')
        .filter((line) => /^[A-Z0-9_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const),
    );
    const referenced = new Set(
      [...read('docker-compose.yml').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => m[1]),
    );
    for (const name of referenced) {
      expect(assigned.has(name!) || example.includes(`# ${name}=`), `${name} in the example`).toBe(true);
    }
    const secrets = secretVariables();
    const assignedSecrets = [...assigned].filter(([name]) => secrets.has(name));
    expect(assignedSecrets.map(([name]) => name)).toEqual(
      expect.arrayContaining(['TENCENT_CALLBACK_KEY', 'TENCENT_MIX_KEY', 'ADMIN_TOKEN']),
    );
    expect(assignedSecrets.filter(([, value]) => value !== '')).toEqual([]);
  });

  test('a stop waits longer than the shutdown deadline plus its backstop', () => {
    for (const name of ['api', 'worker']) {
      const deadline = loadConfig(envOf(name)).SHUTDOWN_DEADLINE_MS;
      expect(seconds(service(name).stop_grace_period)).toBeGreaterThan(deadline + SHUTDOWN_BACKSTOP_MS);
    }
  });
});

/**
 * `docker-compose config` validates the file as the Compose tool does. It needs no engine, but
 * is only on machines that have it (Debian's docker-compose 1.29, which predates the top-level
 * `name:`, so that line is left out for it).
 */
const run = promisify(execFile);
const composeV1 = await run('docker-compose', ['version', '--short']).then(
  () => true,
  () => false,
);

describe.runIf(composeV1)('docker-compose config', () => {
  test('accepts the file with the local profile and fails loudly without the keys', async () => {
    const { mkdtemp, writeFile, rm, cp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'mk-compose-'));
    try {
      await writeFile(join(dir, 'docker-compose.yml'), read('docker-compose.yml').replace(/^name:.*$/m, ''));
      await cp(join(process.cwd(), 'deploy'), join(dir, 'deploy'), { recursive: true });
      const env = { PATH: process.env.PATH ?? '' };
      await expect(run('docker-compose', ['config', '-q'], { cwd: dir, env })).rejects.toMatchObject({
        stderr: expect.stringMatching(/set (TENCENT_CALLBACK_KEY|REDIS_PASSWORD) in \.env/),
      });
      await writeFile(
        join(dir, '.env'),
        `TENCENT_CALLBACK_KEY=a\nTENCENT_MIX_KEY=b\nADMIN_TOKEN=${'c'.repeat(32)}\nREDIS_PASSWORD=d\n`,
      );
      const { stdout } = await run('docker-compose', ['--profile', 'local', 'config', '--services'], {
        cwd: dir,
        env,
      });
      expect(stdout.trim().split('\n').sort()).toEqual(['api', 'redis', 'sim', 'worker']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
