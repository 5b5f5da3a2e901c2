import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { freePort, type LocalRedis, startLocalRedis } from '../../src/commands/local-redis.js';
import { QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import { platformTimingEnv } from './platform-timing.js';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy.js';
import { type SimRequest, type StackDriver, stackDriver, TIME_SCALE } from './stack.js';

/**
 * mixkeeper as it is deployed: separate `mixkeeper api`, `mixkeeper worker` and `mixkeeper sim`
 * processes (`node --import tsx src/cli.ts <role>`), configured only through their environment,
 * on one private Redis, with a round-robin balancer in front of the APIs. Started once per file;
 * `reset()` readies it for the next test.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildRole {
  role: 'api' | 'worker' | 'sim';
  url: string;
  port: number;
  process: ChildProcess;
  /** stdout and stderr lines so far (pino JSON for api and worker). */
  lines: string[];
}

export interface ProcessStack extends StackDriver<SimRequest> {
  apis: ChildRole[];
  workers: ChildRole[];
  sim: ChildRole;
  /** The balancer in front of the APIs: the simulator's callbacks and rooms API calls go here. */
  proxy: RoundRobinProxy;
  redis: LocalRedis;
  adminToken: string;
  /** Environment every api and worker got (secrets included: tests only). */
  env: Record<string, string>;
  /** Waits until the stack has settled, then forgets the simulator's streams, log and faults. */
  reset(): Promise<void>;
  /** SIGTERM to every process; resolves to their exit codes (SIGKILL after `timeoutMs`). */
  shutdown(timeoutMs?: number): Promise<Map<ChildRole, number | null>>;
}

export async function startProcessStack(options: { apis: number; workers: number }): Promise<ProcessStack> {
  const appId = '1252500000';
  const callbackKey = `cb${randomUUID()}`;
  const mixKey = `mix${randomUUID()}`;
  const adminToken = `admin-${randomUUID()}`;
  const children: ChildRole[] = [];
  const killAll = () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGKILL');
  };
  // Should vitest's worker die without running afterAll, take the children with it.
  process.once('exit', killAll);

  let redis: LocalRedis | undefined;
  let proxy: RoundRobinProxy | undefined;
  let queues: Queue[] = [];
  let queueRedis: Redis | undefined;
  try {
    redis = await startLocalRedis();
    const simPort = await freePort();
    const apiPorts = await Promise.all(Array.from({ length: options.apis }, () => freePort()));
    const workerPorts = await Promise.all(Array.from({ length: options.workers }, () => freePort()));
    proxy = await startRoundRobinProxy(apiPorts.map((port) => `http://127.0.0.1:${port}`));

    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      TENCENT_APPID: appId,
      TENCENT_CALLBACK_KEY: callbackKey,
      TENCENT_MIX_KEY: mixKey,
      TENCENT_MIX_URL: `http://127.0.0.1:${simPort}/common_access`,
      ADMIN_TOKEN: adminToken,
      ...platformTimingEnv(TIME_SCALE),
      MIX_DEBOUNCE_MS: '20',
      MIX_LEAVE_GRACE_MS: '40',
      MIX_RETRY_BASE_MS: '20',
      // Not scaled: six processes share the machine with other suites, and a request that times
      // out under load is sent again (an unknown outcome), which the simulator then sees as two
      // starts closer together than its scaled 10 ms rule allows.
      MIX_REQUEST_TIMEOUT_MS: '10000',
      SHUTDOWN_DEADLINE_MS: '2000',
    };
    const spawnRole = (role: ChildRole['role'], port: number, extra: Record<string, string>) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', role], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', ...extra },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const entry: ChildRole = { role, url: `http://127.0.0.1:${port}`, port, process: child, lines: [] };
      for (const stream of [child.stdout, child.stderr]) {
        let partial = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          const parts = (partial + chunk).split('\n');
          partial = parts.pop() ?? '';
          if (entry.lines.length < 50_000) entry.lines.push(...parts);
        });
      }
      children.push(entry);
      return entry;
    };

    const sim = spawnRole('sim', simPort, {
      SIM_PORT: String(simPort),
      SIM_TIME_SCALE: String(TIME_SCALE),
      SIM_CALLBACK_URL: `${proxy.url}/callbacks/tencent`,
      TENCENT_APPID: appId,
      TENCENT_CALLBACK_KEY: callbackKey,
      TENCENT_MIX_KEY: mixKey,
    });
    const apis = apiPorts.map((port) =>
      spawnRole('api', port, { ...env, PORT: String(port), LOG_LEVEL: 'info' }),
    );
    // debug: each finished reconcile is logged with its room and summary.
    const workers = workerPorts.map((port) =>
      spawnRole('worker', port, { ...env, PORT: String(port), LOG_LEVEL: 'debug' }),
    );
    await Promise.all([
      waitForOk(sim, '/healthz'),
      ...apis.map((api) => waitForOk(api, '/readyz')),
      ...workers.map((worker) => waitForOk(worker, '/readyz')),
    ]);

    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queueRedis = connection;
    // The queues a callback sets going; a periodic sweep's next run always waits, so it is left out.
    queues = [QUEUES.liveEvents, QUEUES.reconcile].map(
      (name) => new Queue(name, { connection, prefix: QUEUE_PREFIX }),
    );

    const liveRedis = redis;
    const liveProxy = proxy;
    const liveQueues = queues;
    const driver = stackDriver<SimRequest>(sim.url, liveProxy.url, adminToken, () => liveQueues);
    const { simJson } = driver;

    const stack: ProcessStack = {
      apis,
      workers,
      sim,
      proxy: liveProxy,
      redis: liveRedis,
      adminToken,
      env,
      ...driver,
      async reset() {
        // A reconcile still due from the last test would otherwise land in this one's request log.
        await driver.settled();
        await simJson('/sim/reset', { method: 'POST' });
        await simJson('/sim/faults', { method: 'DELETE' });
      },
      async shutdown(timeoutMs = 10_000) {
        const codes = new Map<ChildRole, number | null>();
        await Promise.all(
          children.map(async (child) => {
            if (child.process.exitCode !== null) {
              codes.set(child, child.process.exitCode);
              return;
            }
            const exited = new Promise<number | null>((resolve) => child.process.once('exit', resolve));
            child.process.kill('SIGTERM');
            const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
            codes.set(child, await exited);
            clearTimeout(timer);
          }),
        );
        process.off('exit', killAll);
        await Promise.all(liveQueues.map((queue) => queue.close()));
        connection.disconnect();
        await liveProxy.close();
        await liveRedis.stop();
        return codes;
      },
    };
    return stack;
  } catch (error) {
    killAll();
    process.off('exit', killAll);
    const tails = children
      .map((c) => `--- ${c.role} :${c.port}\n${c.lines.slice(-15).join('\n')}`)
      .join('\n');
    await Promise.all(queues.map((queue) => queue.close()));
    queueRedis?.disconnect();
    await proxy?.close();
    await redis?.stop();
    throw new Error(`process stack did not start: ${String(error)}\n${tails}`);
  }
}

/** Polls `path` until it answers 2xx; fails early if the process exits. */
async function waitForOk(child: ChildRole, path: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.process.exitCode !== null)
      throw new Error(`${child.role} exited with ${child.process.exitCode}`);
    try {
      const res = await fetch(`${child.url}${path}`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${child.role} on ${child.port}: ${path} not ok in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Worker log lines (pino JSON) with the given message. */
export function logEntries(child: ChildRole, msg: string): Record<string, unknown>[] {
  return child.lines.flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      return entry.msg === msg ? [entry] : [];
    } catch {
      return [];
    }
  });
}
