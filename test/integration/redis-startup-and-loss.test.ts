import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/commands/local-redis.js';
import { startService } from '../../src/commands/service.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { jobOptions } from '../../src/queue/bullmq.js';
import { jobCatalog, QUEUES, RESYNC_SCHEDULER_ID } from '../../src/queue/catalog.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import { recordingMixBackend } from '../support/recording-mix-backend.js';

/**
 * What mixkeeper demands of its Redis at start-up, and what it does when Redis comes back empty.
 * Each test runs its own redis-server, configured as the case needs.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** What a test opened, closed in `order`: services before the clients and servers they need. */
const opened: { order: number; close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const item of opened.splice(0).sort((a, b) => a.order - b.order)) await item.close().catch(() => {});
});

async function redisServer(args: string[] = []): Promise<LocalRedis> {
  const redis = await startLocalRedis({ args });
  opened.push({ order: 3, close: () => redis.stop() });
  return redis;
}

function baseEnv(redisUrl: string): Record<string, string> {
  return {
    REDIS_URL: redisUrl,
    TENCENT_APPID: '1252500000',
    TENCENT_MIX_KEY: 'mix-key-for-tests',
    TENCENT_CALLBACK_KEY: 'callback-key-for-tests',
    MIX_READY_DELAY_MS: '0',
    MIX_DEBOUNCE_MS: '10',
    RESYNC_INTERVAL_MS: '300',
    LOG_LEVEL: 'info',
  };
}

/** A worker-only service in this process, logging into `lines`. */
async function workerService(redisUrl: string, lines: string[]) {
  const backend = recordingMixBackend();
  const log = createLogger('info', { write: (line: string) => lines.push(line) });
  const service = await startService({
    config: loadConfig(baseEnv(redisUrl)),
    roles: { api: false, workers: true },
    log,
    backend,
  });
  opened.push({ order: 0, close: () => service.close(2000) });
  return { service, backend };
}

const messages = (lines: string[]) => lines.map((line) => (JSON.parse(line) as { msg?: string }).msg ?? '');

describe('start-up checks', () => {
  test('maxmemory-policy other than noeviction: the process refuses to start with one line', async () => {
    const redis = await redisServer(['--maxmemory-policy', 'allkeys-lru']);
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...baseEnv(redis.url), PORT: String(await freePort()) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    opened.push({ order: 0, close: async () => child.kill('SIGKILL') });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^mixkeeper worker: Redis at 127\.0\.0\.1:\d+ has maxmemory-policy allkeys-lru; mixkeeper needs noeviction/,
    );
  }, 30_000);

  test('no persistence: a warning, and the service runs', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    await workerService(redis.url, lines);
    expect(messages(lines).filter((m) => m.includes('no persistence'))).toHaveLength(1);
  });

  test('with AOF: no persistence warning', async () => {
    const redis = await redisServer(['--appendonly', 'yes']);
    const lines: string[] = [];
    await workerService(redis.url, lines);
    expect(messages(lines).filter((m) => m.includes('persist'))).toEqual([]);
  });
});

describe('Redis coming back empty', () => {
  test('a flush and a restart without persistence: the resync schedule is rebuilt and work goes on', async () => {
    const redis = await redisServer();
    const lines: string[] = [];
    const { backend } = await workerService(redis.url, lines);
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    opened.push({ order: 2, close: async () => client.disconnect() });
    const resync = new Queue(QUEUES.resync, { connection: client, prefix: '{mk}' });
    resync.on('error', () => {});
    opened.push({ order: 1, close: () => resync.close() });
    const schedulerIds = async () => (await resync.getJobSchedulers()).map((s) => s.key);
    const empties = () => messages(lines).filter((m) => m.startsWith('Redis came back empty')).length;

    expect(await schedulerIds()).toEqual([RESYNC_SCHEDULER_ID]);
    expect(await client.exists('mk:marker')).toBe(1);

    await client.flushall();
    await vi.waitFor(async () => expect(await schedulerIds()).toEqual([RESYNC_SCHEDULER_ID]), {
      timeout: 5000,
      interval: 50,
    });
    expect(await client.exists('mk:marker')).toBe(1);
    expect(empties()).toBe(1);

    // kill -9 and a restart on the same port with nothing on disk: found at the reconnection.
    await redis.kill();
    const again = await startLocalRedis({ port: redis.port });
    opened.push({ order: 3, close: () => again.stop() });
    await vi.waitFor(async () => expect(await schedulerIds()).toEqual([RESYNC_SCHEDULER_ID]), {
      timeout: 15_000,
      interval: 100,
    });
    expect(empties()).toBe(2);

    // The workers still take events: two hosts in a room lead to a mix start.
    const events = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: client, prefix: '{mk}' });
    events.on('error', () => {});
    opened.push({ order: 1, close: () => events.close() });
    for (const [streamId, role] of [
      ['after_host', 'main'],
      ['after_guest', 'guest'],
    ] as const) {
      const event: LiveEvent = {
        kind: 'push',
        streamId,
        sequence: '1',
        eventTimeMs: Date.now(),
        receivedAt: Date.now(),
        domain: 'd',
        appName: 'live',
        params: { mix_room: 'afterloss', mix_role: role },
        width: 540,
        height: 960,
        errcode: 0,
      };
      await events.add('push', event, jobOptions(jobCatalog.liveEvents, event, {}));
    }
    await vi.waitFor(() => expect(backend.calls.map((c) => c.sessionId)).toContain('afterloss_1'), {
      timeout: 15_000,
      interval: 50,
    });
  }, 60_000);
});
