import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, waitForPing } from '../../src/commands/local-redis.js';
import { asArray, at, ROOT, resolveValue, yamlFile } from './manifests.js';

/**
 * deploy/redis.conf loaded by a real redis-server: it must parse, and say what OPERATIONS.md says;
 * and compose's redis command on top of it.
 */

let child: ChildProcess | undefined;
let dir: string;
let redis: Redis;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mk-redis-conf-'));
  const port = await freePort();
  // The file first, then only what a test machine must change (where to listen, where to write).
  child = spawn(
    'redis-server',
    [join(ROOT, 'deploy/redis.conf'), '--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
    { stdio: 'ignore' },
  );
  await waitForPing(`redis://127.0.0.1:${port}`);
  redis = new Redis(port, '127.0.0.1');
});
afterAll(async () => {
  redis?.disconnect();
  child?.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

describe('deploy/redis.conf', () => {
  test('never evicts, keeps an AOF fsynced every second, and never times out blocked workers', async () => {
    const get = async (name: string) => (await redis.config('GET', name))[1];
    expect(await get('maxmemory-policy')).toBe('noeviction');
    expect(await get('appendonly')).toBe('yes');
    expect(await get('appendfsync')).toBe('everysec');
    expect(await get('timeout')).toBe('0');
    await redis.set('k', 'v');
    // The AOF directory exists once the server writes.
    expect(await readdir(dir)).toContain('appendonlydir');
  });
});

describe("docker-compose.yml's redis command", () => {
  test('runs on top of the file: a password is required and maxmemory is set', async () => {
    const command = asArray(at(yamlFile('docker-compose.yml'), 'services', 'redis', 'command')).map((arg) =>
      resolveValue(arg, () => 'compose-redis-password'),
    );
    expect(command[0]).toBe('redis-server');
    const args = command
      .slice(1)
      .map((arg) => (arg === '/usr/local/etc/redis/redis.conf' ? join(ROOT, 'deploy/redis.conf') : arg));
    const composeDir = await mkdtemp(join(tmpdir(), 'mk-redis-compose-'));
    const port = await freePort();
    const server = spawn(
      'redis-server',
      [...args, '--port', String(port), '--bind', '127.0.0.1', '--dir', composeDir],
      {
        stdio: 'ignore',
      },
    );
    try {
      await waitForPing(`redis://:compose-redis-password@127.0.0.1:${port}`);
      const anonymous = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0 });
      anonymous.on('error', () => {});
      await expect(anonymous.get('k')).rejects.toThrow(/NOAUTH/);
      anonymous.disconnect();
      const client = new Redis(port, '127.0.0.1', { password: 'compose-redis-password' });
      expect(Number((await client.config('GET', 'maxmemory'))[1])).toBeGreaterThan(0);
      expect((await client.config('GET', 'maxmemory-policy'))[1]).toBe('noeviction');
      client.disconnect();
    } finally {
      server.kill('SIGKILL');
      await rm(composeDir, { recursive: true, force: true });
    }
  });
});
