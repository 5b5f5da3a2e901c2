import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort, waitForPing } from '../../src/commands/local-redis.js';
import { ROOT } from './manifests.js';

/** deploy/redis.conf loaded by a real redis-server: it must parse, and say what OPERATIONS.md says. */

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
