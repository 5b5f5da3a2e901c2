import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * A private `redis-server` child process: for `mixkeeper dev` when no REDIS_URL is given, and for
 * the test suites. Listens on loopback only, with `noeviction` (BullMQ must never lose keys).
 */

export interface LocalRedis {
  url: string;
  port: number;
  dir: string;
  process: ChildProcess;
  /** SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** SIGTERM; removes the data directory when it was a temporary one. */
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  port?: number;
  /** Data directory; a temporary one (removed on stop) when absent. */
  dir?: string;
  /** Extra arguments, e.g. `['--appendonly', 'yes', '--appendfsync', 'always']`. */
  args?: string[];
}

export const REDIS_MISSING =
  'redis-server was not found: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

export async function waitForPing(url: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.ping();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`redis at ${url} did not answer PING: ${String(error)}`);
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      client.disconnect();
    }
  }
}

export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const port = options.port ?? (await freePort());
  const temporary = options.dir === undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'mk-redis-')));
  await mkdir(dir, { recursive: true });
  const settings = {
    port: `${port}`,
    bind: '127.0.0.1',
    dir,
    save: '',
    appendonly: 'no',
    'maxmemory-policy': 'noeviction',
  };
  const args = [
    ...Object.entries(settings).flatMap(([name, value]) => [`--${name}`, value]),
    ...(options.args ?? []),
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(REDIS_MISSING) : error),
    ),
  );
  const url = `redis://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForPing(url),
      spawnError,
      exited.then(() => {
        throw new Error(`redis-server exited during start-up (port ${port} taken?)`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    port,
    dir,
    process: child,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      if (temporary) await rm(dir, { recursive: true, force: true });
    },
  };
}
