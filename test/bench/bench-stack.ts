import { freePort } from '../../src/commands/local-redis.js';
import { platformTimingEnv } from '../support/platform-timing.js';
import type { BenchContext } from './context.js';
import { type ApiProcess, startApi, startWorker } from './mixkeeper-process.js';
import type { BenchProcess } from './processes.js';
import { type SimProcess, startSimProcess } from './sim-process.js';

/**
 * mixkeeper as deployed, on this machine: an `api` process, a `worker` process and the platform
 * simulator, each its own process, on the bench's Redis (flushed first).
 */

export interface BenchStack {
  api: ApiProcess;
  worker: BenchProcess;
  sim: SimProcess;
  readyDelayMs: number;
  close(): Promise<void>;
}

export interface StackOptions {
  name: string;
  timeScale: number;
  /** Service variables over the platform timing (MIX_DEBOUNCE_MS, MIX_LEAVE_GRACE_MS, …). */
  env: Record<string, number | string>;
  /** false: the simulator sends no callbacks (the bench posts them itself). */
  simCallbacks: boolean;
}

export async function startBenchStack(ctx: BenchContext, options: StackOptions): Promise<BenchStack> {
  await ctx.redis.flushall();
  const env = Object.fromEntries(
    Object.entries({ ...platformTimingEnv(options.timeScale), ...options.env }).map(([k, v]) => [
      k,
      String(v),
    ]),
  );
  const base = {
    runtime: ctx.runtime,
    logDir: ctx.logDir,
    redisUrl: ctx.redisUrl,
    keys: ctx.keys,
    nodeArgs: ctx.nodeArgs,
  };
  // Ports chosen first, so the three processes (each needing another's address) start side by side.
  const [apiPort, simPort] = [await freePort(), await freePort()];
  const started = await Promise.allSettled([
    startApi({ ...base, env, port: apiPort }, `${options.name}-api`),
    startSimProcess({
      name: `${options.name}-sim`,
      runtime: ctx.runtime,
      logDir: ctx.logDir,
      keys: ctx.keys,
      timeScale: options.timeScale,
      port: simPort,
      ...(options.simCallbacks ? { callbackUrl: `http://127.0.0.1:${apiPort}/callbacks/tencent` } : {}),
    }),
    startWorker(
      { ...base, env, mixUrl: `http://127.0.0.1:${simPort}/common_access` },
      `${options.name}-worker`,
    ),
  ] as const);
  const [api, sim, worker] = started;
  const close = async () => {
    await Promise.all([
      api.status === 'fulfilled' ? api.value.process.stop() : undefined,
      sim.status === 'fulfilled' ? sim.value.close() : undefined,
      worker.status === 'fulfilled' ? worker.value.stop() : undefined,
    ]);
  };
  if (api.status === 'rejected' || sim.status === 'rejected' || worker.status === 'rejected') {
    await close();
    const failure = started.find((s) => s.status === 'rejected');
    throw failure?.status === 'rejected' ? failure.reason : new Error('the stack did not start');
  }
  return {
    api: api.value,
    worker: worker.value,
    sim: sim.value,
    readyDelayMs: Number(env.MIX_READY_DELAY_MS),
    close,
  };
}
