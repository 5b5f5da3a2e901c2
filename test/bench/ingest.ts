import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { freePort } from '../../src/commands/local-redis.js';
import { liveEventJobId, QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import type { BenchContext } from './context.js';
import { startApi } from './mixkeeper-process.js';
import { answers, benchScriptArgs, cpuMsOf, spawnNode, waitUntil } from './processes.js';
import type { IngestResult, LoadRun } from './results.js';
import { sequenceSource, signedCallbackBody } from './signed-callback.js';

/**
 * Phase 1, ingest: signed callbacks answered 200 per second and their latency, from autocannon,
 * against mixkeeper's `api` process and against two baselines — a bare Hono handler and the naive
 * receiver (sign check + one BullMQ add) — and, with `--ingest-before <checkout>`, against the
 * `api` of another checkout (the code before a change), each alone on the machine with the load
 * generator, one after the other in the same run. The API runs without workers so the receiver is what is
 * measured: its jobs wait in `live-events`, and every 200 is looked up there afterwards.
 */

interface LoadSpec {
  url: string;
  connections: number;
  durationS: number;
  /** Stop after this many requests instead (the warm-up). */
  amount?: number;
  overallRate?: number;
  /** A fresh signed body and its job id for every request. */
  nextBody: () => { body: string; jobId: string };
  /** Receives the job id of every request answered 200. */
  onOk?: (jobId: string) => void;
  /** The server's process id; CPU time is read from /proc around the run. */
  serverPid: number;
  redisPid: number;
}

async function load(spec: LoadSpec): Promise<LoadRun> {
  const cpuBefore = { server: cpuMsOf(spec.serverPid), redis: cpuMsOf(spec.redisPid) };
  const result = await autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS }),
    timeout: 5,
    // The per-connection rate limit sends each second's share back to back; correcting for
    // coordinated omission with its 1 ms expected interval would invent samples. Raw latencies.
    ...(spec.overallRate ? { overallRate: spec.overallRate, ignoreCoordinatedOmission: true } : {}),
    requests: [
      {
        method: 'POST',
        path: '/callbacks/tencent',
        headers: { 'content-type': 'application/json' },
        setupRequest(request, context) {
          const { body, jobId } = spec.nextBody();
          // One request in flight per connection (no pipelining): the context names its job.
          context.jobId = jobId;
          return { ...request, body };
        },
        onResponse(status, _body, context) {
          if (status === 200 && typeof context.jobId === 'string') spec.onOk?.(context.jobId);
        },
      },
    ],
  });
  const ok = result['2xx'];
  const perOk = (before: number, pid: number) => (ok ? Math.round(((cpuMsOf(pid) - before) * 1000) / ok) : 0);
  return {
    connections: spec.connections,
    targetRps: spec.overallRate ?? null,
    durationS: result.duration,
    okPerS: Math.round(ok / result.duration),
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: Math.round(result.latency.mean * 100) / 100,
    },
    cpuUsPerOk: {
      server: perOk(cpuBefore.server, spec.serverPid),
      redis: perOk(cpuBefore.redis, spec.redisPid),
    },
  };
}

export async function measureIngest(ctx: BenchContext): Promise<IngestResult> {
  const sizes = ctx.sizes.ingest;
  const nextSequence = sequenceSource();
  let n = 0;
  const nextBody = () => {
    n += 1;
    const streamId = `ing_${n % 20_000}`;
    const sequence = nextSequence();
    const body = signedCallbackBody(
      {
        kind: 'push',
        streamId,
        sequence,
        params: `mix_room=ing_${n % 4000}`,
        width: 540,
        height: 960,
        nowMs: Date.now(),
      },
      ctx.keys,
    );
    return { body, jobId: liveEventJobId({ kind: 'push', streamId, sequence }) };
  };
  const runs = async (url: string, serverPid: number, onOk?: (jobId: string) => void) => {
    const common = {
      url: `${url}/callbacks/tencent`,
      nextBody,
      serverPid,
      redisPid: ctx.redisPid,
      ...(onOk ? { onOk } : {}),
    };
    if (sizes.warmupRequests > 0) {
      await load({ ...common, connections: sizes.connections, durationS: 1, amount: sizes.warmupRequests });
    }
    const max = await load({ ...common, connections: sizes.connections, durationS: sizes.durationS });
    ctx.log(
      `  max: ${max.okPerS}/s, p50 ${max.latencyMs.p50} ms, p99 ${max.latencyMs.p99} ms; CPU per 200: server ${max.cpuUsPerOk.server} µs, redis ${max.cpuUsPerOk.redis} µs`,
    );
    const rateLimited = await load({
      ...common,
      connections: sizes.rateConnections,
      durationS: sizes.durationS,
      overallRate: sizes.rateLimitedRps,
    });
    ctx.log(
      `  at ${sizes.rateLimitedRps}/s: ${rateLimited.okPerS}/s, p50 ${rateLimited.latencyMs.p50} ms, p99 ${rateLimited.latencyMs.p99} ms`,
    );
    return { max, rateLimited };
  };

  /** A bench-side server (`test/bench/<file>`), measured alone with the load generator. */
  const benchServer = async (name: string, file: string, env: Record<string, string>) => {
    const port = await freePort();
    const server = spawnNode(name, benchScriptArgs(file), {
      logDir: ctx.logDir,
      env: { PORT: String(port), ...env },
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(`the ${name} server`, () => answers(`${url}/healthz`), 30_000);
      return { ...(await runs(url, server.pid)), peakRssBytes: server.memory().peakRssBytes };
    } finally {
      await server.stop();
    }
  };
  /** mixkeeper's `api` command from `root` (this checkout, or the one `--ingest-before` names). */
  const apiServer = async (name: string, root: string | undefined, onOk?: (jobId: string) => void) => {
    await ctx.redis.flushall();
    const api = await startApi(
      {
        runtime: ctx.runtime,
        logDir: ctx.logDir,
        redisUrl: ctx.redisUrl,
        keys: ctx.keys,
        nodeArgs: ctx.nodeArgs,
        ...(root ? { root } : {}),
      },
      name,
    );
    try {
      return {
        ...(await runs(api.url, api.process.pid, onOk)),
        peakRssBytes: api.process.memory().peakRssBytes,
      };
    } finally {
      await api.process.stop();
    }
  };

  ctx.log('ingest: baseline (bare Hono POST handler)');
  const baseline = await benchServer('baseline', 'baseline-server.ts', {});

  ctx.log('ingest: naive receiver (Hono, md5 sign check, one BullMQ add; no validation)');
  await ctx.redis.flushall();
  const naive = await benchServer('naive-receiver', 'naive-receiver.ts', {
    REDIS_URL: ctx.redisUrl,
    CALLBACK_KEY: ctx.keys.callbackKey,
    QUEUE_PREFIX,
  });

  let before: IngestResult['before'] = null;
  if (ctx.ingestBefore) {
    ctx.log(`ingest: mixkeeper api before this change (${ctx.ingestBefore})`);
    before = await apiServer('mixkeeper-api-before', ctx.ingestBefore);
  }

  ctx.log('ingest: mixkeeper api (signature, validation, BullMQ enqueue; no workers)');
  const okIds: string[] = [];
  const mixkeeper = await apiServer('mixkeeper-api', undefined, (id) => okIds.push(id));
  return { baseline, naive, before, mixkeeper, jobs: await countJobs(ctx, okIds) };
}

/** Looks every 200's job up in Redis, and counts what the events queue holds. */
async function countJobs(ctx: BenchContext, okIds: string[]): Promise<IngestResult['jobs']> {
  const queue = new Queue(QUEUES.liveEvents, { connection: ctx.redis, prefix: QUEUE_PREFIX });
  try {
    let matched = 0;
    const distinct = [...new Set(okIds)];
    for (let i = 0; i < distinct.length; i += 5000) {
      const pipeline = ctx.redis.pipeline();
      // BullMQ keeps a job as the hash `<prefix>:<queue>:<id>`.
      for (const id of distinct.slice(i, i + 5000))
        pipeline.exists(`${QUEUE_PREFIX}:${QUEUES.liveEvents}:${id}`);
      for (const [error, exists] of (await pipeline.exec()) ?? []) if (!error && exists === 1) matched += 1;
    }
    const counts = await queue.getJobCounts();
    const storedInQueue = Object.values(counts).reduce((sum, count) => sum + count, 0);
    return { ok200: okIds.length, matched, missing: okIds.length - matched, storedInQueue };
  } finally {
    await queue.close();
  }
}
