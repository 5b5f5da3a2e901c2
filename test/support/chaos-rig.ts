import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/commands/local-redis.js';
import { QUEUES } from '../../src/queue/catalog.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { type Simulator, startSimulator } from '../../src/sim/index.js';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { type MixkeeperProcess, type Role, spawnMixkeeper } from './mixkeeper-process.js';
import { platformTimingEnv } from './platform-timing.js';

/**
 * The chaos tests' world: a private redis-server of their own (killable, restartable on the same
 * port and data directory), the platform simulator in the test process, and mixkeeper as real
 * child processes configured only through their environment, every platform timing scaled by the
 * simulator's time scale. Redis is also read directly, to check what survived.
 */

export interface ChaosRigOptions {
  /**
   * Simulator time scale; mixkeeper's timing rules follow it. Default 0.05: Tencent's 20 s callback
   * timeout becomes 1 s (0.01 would make it 200 ms, less than a loaded 2-core box answers in) and
   * its 12 retries a minute apart span 36 s.
   */
  timeScale?: number;
  /** Extra redis-server arguments (e.g. AOF). */
  redisArgs?: string[];
  /**
   * Keep Redis's data directory in memory (/dev/shm). A kill -9 of redis-server leaves the page
   * cache intact, so what `appendfsync always` promises such a crash does not depend on the disk;
   * this VM's disk takes 5–130 ms per fsync, which would make the test about the disk instead.
   */
  dataInMemory?: boolean;
  /** Where mixkeeper connects instead of Redis itself (a proxy in front of it). */
  redisUrlFor?: (redis: LocalRedis) => Promise<string>;
  /** Overrides of the children's environment. */
  env?: Record<string, string>;
}

export interface ChaosRig {
  redis: LocalRedis;
  sim: Simulator;
  /** The port the API child listens on (callbacks go there, restarts keep it). */
  apiPort: number;
  /** What every child gets (secrets included: a test's own). */
  env: Record<string, string>;
  /** A test-side connection for inspection; reconnects by itself after a Redis restart. */
  client: Redis;
  store: RoomStore;
  queue(name: 'liveEvents' | 'reconcile' | 'resync'): Queue;
  spawn(
    role: Role,
    options?: { port?: number; env?: Record<string, string>; simOnlineList?: boolean },
  ): Promise<MixkeeperProcess>;
  killRedis(): Promise<void>;
  restartRedis(): Promise<void>;
  /** The simulator's rule violations, one line each, for a test's assertion and its output. */
  violations(): string[];
  /** Prints a test's figures with the violation count, then the violations and `details`. */
  report(test: string, figures: Record<string, string | number | boolean>, details?: string[]): void;
  /** POSTs a signed callback straight to the API, as Tencent would; resolves with status and latency. */
  callback(body: Record<string, string | number>): Promise<{ status: number; ms: number }>;
  close(): Promise<void>;
}

export async function startChaosRig(options: ChaosRigOptions = {}): Promise<ChaosRig> {
  const timeScale = options.timeScale ?? 0.05;
  const appId = 1252500000;
  const callbackKey = `cb${randomUUID()}`;
  const mixKey = `mix${randomUUID()}`;
  const base = options.dataInMemory && existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = await mkdtemp(join(base, 'mk-chaos-'));
  const redisArgs = options.redisArgs ?? [];
  let redis = await startLocalRedis({ dir, args: redisArgs });
  // Should the test process die without closing the rig, its redis-server goes with it.
  const killRedisOnExit = () => redis.process.kill('SIGKILL');
  process.once('exit', killRedisOnExit);
  // Run in reverse: Redis stops before its data directory goes.
  const cleanups: (() => Promise<unknown>)[] = [
    () => rm(dir, { recursive: true, force: true }),
    () => redis.kill(),
    async () => process.off('exit', killRedisOnExit),
  ];
  const children: MixkeeperProcess[] = [];
  try {
    const sim = await startSimulator({ appId, callbackKey, mixKey, timeScale });
    cleanups.push(() => sim.close());
    const apiPort = await freePort();
    sim.setCallbackUrl(`http://127.0.0.1:${apiPort}/callbacks/tencent`);
    const env: Record<string, string> = {
      REDIS_URL: options.redisUrlFor ? await options.redisUrlFor(redis) : redis.url,
      TENCENT_APPID: String(appId),
      TENCENT_CALLBACK_KEY: callbackKey,
      TENCENT_MIX_KEY: mixKey,
      TENCENT_MIX_URL: sim.mixUrl,
      ADMIN_TOKEN: `admin-${randomUUID()}`,
      ...platformTimingEnv(timeScale),
      MIX_DEBOUNCE_MS: '20',
      MIX_LEAVE_GRACE_MS: '40',
      MIX_RETRY_BASE_MS: '20',
      MIX_REQUEST_TIMEOUT_MS: '1000',
      WORKER_LOCK_MS: '5000',
      RECONCILE_LEASE_MS: '2500',
      RESYNC_INTERVAL_MS: '2000',
      RESYNC_JITTER_MS: '200',
      RESYNC_FAILED_RETRY_MS: '2000',
      SHUTDOWN_DEADLINE_MS: '3000',
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => {});
    cleanups.push(async () => client.disconnect());
    const queues = new Map<string, Queue>();
    cleanups.push(async () => {
      for (const queue of queues.values()) await queue.close().catch(() => {});
    });

    const rig: ChaosRig = {
      get redis() {
        return redis;
      },
      sim,
      apiPort,
      env,
      client,
      store: new RoomStore(client),
      queue(name) {
        let queue = queues.get(name);
        if (!queue) {
          queue = new Queue(QUEUES[name], { connection: client, prefix: '{mk}' });
          queue.on('error', () => {});
          queues.set(name, queue);
        }
        return queue;
      },
      async spawn(role, spawnOptions = {}) {
        const port = spawnOptions.port ?? (role === 'worker' ? await freePort() : apiPort);
        const proc = await spawnMixkeeper({
          role,
          port,
          env: {
            ...env,
            ...spawnOptions.env,
            ...(spawnOptions.simOnlineList ? { SIM_ONLINE_LIST_URL: sim.url } : {}),
          },
          ...(spawnOptions.simOnlineList ? { simOnlineList: true } : {}),
        });
        children.push(proc);
        return proc;
      },
      async killRedis() {
        await redis.kill();
      },
      async restartRedis() {
        redis = await startLocalRedis({ port: redis.port, dir, args: redisArgs });
      },
      violations: () => describeViolations(sim),
      report(test, figures, details = []) {
        const violations = describeViolations(sim);
        printFigures(test, { ...figures, violations: violations.length }, [...violations, ...details]);
      },
      async callback(body) {
        const t = Math.floor(Date.now() / 1000) + 600;
        const started = performance.now();
        try {
          const res = await fetch(`http://127.0.0.1:${apiPort}/callbacks/tencent`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ ...body, t, sign: md5Sign(callbackKey, t) }),
            signal: AbortSignal.timeout(5000),
          });
          await res.arrayBuffer();
          return { status: res.status, ms: performance.now() - started };
        } catch {
          return { status: 0, ms: performance.now() - started };
        }
      },
      async close() {
        await Promise.all(children.map((child) => child.kill()));
        for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
      },
    };
    return rig;
  } catch (error) {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    throw error;
  }
}

/** Which room a simulator stream joined (its push URL's `mix_room`). */
export function roomOf(params: string): string | undefined {
  return new URLSearchParams(params).get('mix_room') ?? undefined;
}

/** Resolves when `check` stops throwing; rethrows its last error after `timeoutMs`. */
export async function until<T>(check: () => Promise<T>, timeoutMs: number, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** The simulator's rule violations, one line each, for a failing test's output. */
function describeViolations(sim: Simulator): string[] {
  return sim.violations().map((v) => `${v.rule} ${v.sessionId ?? ''}: ${v.detail}`);
}

/** A one-line summary of a chaos test's figures, for the run's output and docs/RELIABILITY.md. */
export function printFigures(
  test: string,
  figures: Record<string, string | number | boolean>,
  details: string[] = [],
): void {
  const text = Object.entries(figures)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
  console.log([`[chaos] ${test}: ${text}`, ...details.map((line) => `  ${line}`)].join('\n'));
}
