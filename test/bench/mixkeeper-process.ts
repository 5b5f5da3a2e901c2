import { freePort } from '../../src/commands/local-redis.js';
import {
  answers,
  type BenchProcess,
  mixkeeperArgs,
  type Runtime,
  spawnNode,
  waitUntil,
} from './processes.js';
import type { PlatformKeys } from './sim-process.js';

/** mixkeeper's `api` and `worker` commands as separate processes, configured as production is: by env. */

export interface MixkeeperOptions {
  runtime: Runtime;
  logDir: string;
  redisUrl: string;
  keys: PlatformKeys;
  /** TENCENT_MIX_URL: the simulator's `common_access`. */
  mixUrl?: string;
  /** Further variables (timing, concurrency, LOG_LEVEL). */
  env?: Record<string, string>;
  /** Extra node flags for profiling, e.g. `--cpu-prof --cpu-prof-dir=…`. */
  nodeArgs?: string[];
  /** PORT; a free one when absent. */
  port?: number;
  /** The checkout to run; this one when absent. */
  root?: string;
}

function environment(options: MixkeeperOptions, port: number): Record<string, string> {
  return {
    PORT: String(port),
    REDIS_URL: options.redisUrl,
    TENCENT_APPID: String(options.keys.appId),
    TENCENT_CALLBACK_KEY: options.keys.callbackKey,
    TENCENT_MIX_KEY: options.keys.mixKey,
    ...(options.mixUrl ? { TENCENT_MIX_URL: options.mixUrl } : {}),
    LOG_LEVEL: 'info',
    ...options.env,
  };
}

export interface ApiProcess {
  url: string;
  process: BenchProcess;
}

export async function startApi(options: MixkeeperOptions, name = 'mixkeeper-api'): Promise<ApiProcess> {
  const port = options.port ?? (await freePort());
  const proc = spawnNode(name, mixkeeperArgs(options.runtime, 'api', options.root), {
    logDir: options.logDir,
    env: environment(options, port),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(`${name} to be ready`, () => answers(`${url}/readyz`), 30_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url, process: proc };
}

export async function startWorker(
  options: MixkeeperOptions,
  name = 'mixkeeper-worker',
): Promise<BenchProcess> {
  // A worker may serve probes on PORT: give it a port of its own.
  const port = options.port ?? (await freePort());
  const proc = spawnNode(name, mixkeeperArgs(options.runtime, 'worker'), {
    logDir: options.logDir,
    env: environment(options, port),
    ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}),
  });
  try {
    await waitUntil(`${name} to run`, () => proc.logged('workers running'), 30_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return proc;
}
