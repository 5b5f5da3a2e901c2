import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startLocalRedis } from '../../src/commands/local-redis.js';
import { type BenchContext, type BenchMode, SIZES } from './context.js';
import { measureEconomy } from './economy.js';
import { computeFigures } from './figures.js';
import { measureIngest } from './ingest.js';
import { measureLayout } from './layout-rate.js';
import { currentLoad, describeMachine } from './machine.js';
import type { Runtime } from './processes.js';
import { measureReaction } from './reaction.js';
import type { BenchResult } from './results.js';
import { measureScale } from './scale.js';

/** Runs the bench phases in order on a private Redis and returns the result file's content. */

export const PHASES = ['ingest', 'reaction', 'economy', 'scale', 'layout'] as const;
export type Phase = (typeof PHASES)[number];

export interface BenchOptions {
  mode: BenchMode;
  runtime: Runtime;
  /** Default: every phase. */
  only?: readonly Phase[];
  /** Write V8 CPU profiles of mixkeeper's processes here. */
  profileDir?: string;
  /** Another checkout (built) whose `api` the ingest phase measures too, as "before". */
  ingestBefore?: string;
  /** Children's logs; a temporary directory when absent. */
  logDir?: string;
  log?: (line: string) => void;
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = Date.now();
  const log = options.log ?? ((line: string) => console.log(line));
  const only = new Set<Phase>(options.only ?? PHASES);
  const logDir = options.logDir ?? (await mkdtemp(join(tmpdir(), 'mk-bench-')));
  log(`bench (${options.mode}, ${options.runtime}): logs in ${logDir}`);

  const server = await startLocalRedis();
  const redis = new Redis(server.url, { maxRetriesPerRequest: null });
  const ctx: BenchContext = {
    mode: options.mode,
    sizes: SIZES[options.mode],
    runtime: options.runtime,
    logDir,
    redisUrl: server.url,
    redis,
    redisPid: server.process.pid ?? -1,
    keys: {
      appId: 1252500000,
      callbackKey: randomBytes(16).toString('hex'),
      mixKey: randomBytes(16).toString('hex'),
    },
    nodeArgs: options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : [],
    ...(options.ingestBefore ? { ingestBefore: options.ingestBefore } : {}),
    log,
  };
  try {
    const result: BenchResult = {
      version: 1,
      mode: options.mode,
      runtime: options.runtime,
      startedAt: new Date(started).toISOString(),
      durationS: 0,
      machine: describeMachine(),
      ingest: only.has('ingest') ? await measureIngest(ctx) : null,
      reaction: only.has('reaction') ? await measureReaction(ctx) : null,
      economy: only.has('economy') ? await measureEconomy(ctx) : null,
      scale: only.has('scale') ? await measureScale(ctx) : null,
      layout: only.has('layout') ? measureLayout(ctx) : null,
      figures: [],
    };
    result.figures = computeFigures(result);
    result.machine.loadAverage.end = currentLoad();
    result.durationS = Math.round((Date.now() - started) / 100) / 10;
    return result;
  } finally {
    redis.disconnect();
    await server.stop();
  }
}
