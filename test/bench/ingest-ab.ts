import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort, startLocalRedis } from '../../src/commands/local-redis.js';
import { QUEUE_PREFIX } from '../../src/queue/catalog.js';
import { startApi } from './mixkeeper-process.js';
import { answers, type BenchProcess, benchScriptArgs, cpuMsOf, spawnNode, waitUntil } from './processes.js';
import { sequenceSource, signedCallbackBody } from './signed-callback.js';

/**
 * `tsx test/bench/ingest-ab.ts [--before <checkout>] [--rounds 4] [--seconds 5] [--rate n]`: the
 * ingest phase's servers (bare Hono, the naive receiver, mixkeeper's compiled `api` — `npm run
 * build` first — and, with `--before`, another checkout's) all started at once and loaded in turn,
 * round after round, in a rotating order, so that other load on a shared machine hits each alike.
 * The sequential bench phase cannot promise that: on this machine the load average moved between
 * 8 and 15 within one run. Per server: 200/s, CPU per 200 of the server and of redis-server (one
 * Redis, loaded by one server at a time), and each segment's p99.
 */

interface Server {
  name: string;
  url: string;
  process: Pick<BenchProcess, 'pid' | 'stop'>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      rounds: { type: 'string', default: '4' },
      seconds: { type: 'string', default: '5' },
      rate: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const rate = values.rate ? Number(values.rate) : undefined;
  const redis = await startLocalRedis();
  const redisPid = redis.process.pid ?? -1;
  const keys = {
    appId: 1252500000,
    callbackKey: randomBytes(16).toString('hex'),
    mixKey: randomBytes(16).toString('hex'),
  };
  const logDir = '/tmp';
  const servers: Server[] = [];
  try {
    for (const [name, file, env] of [
      ['bare Hono', 'baseline-server.ts', {}],
      [
        'naive receiver',
        'naive-receiver.ts',
        { REDIS_URL: redis.url, CALLBACK_KEY: keys.callbackKey, QUEUE_PREFIX },
      ],
    ] as const) {
      const port = await freePort();
      const proc = spawnNode(`ab-${file}`, benchScriptArgs(file), {
        logDir,
        env: { PORT: String(port), ...env },
      });
      const url = `http://127.0.0.1:${port}`;
      servers.push({ name, url, process: proc });
      await waitUntil(name, () => answers(`${url}/healthz`), 30_000);
    }
    const common = { runtime: 'dist' as const, logDir, redisUrl: redis.url, keys };
    if (values.before) {
      const api = await startApi({ ...common, root: resolve(values.before) }, 'ab-mixkeeper-before');
      servers.push({ name: 'mixkeeper before', ...api });
    }
    const api = await startApi(common, 'ab-mixkeeper');
    servers.push({ name: 'mixkeeper', ...api });

    const nextSequence = sequenceSource();
    let n = 0;
    const body = () => {
      n += 1;
      return signedCallbackBody(
        {
          kind: 'push',
          streamId: `ing_${n % 20_000}`,
          sequence: nextSequence(),
          params: `mix_room=ing_${n % 4000}`,
          width: 540,
          height: 960,
          nowMs: Date.now(),
        },
        keys,
      );
    };
    const load = (url: string, limit: { duration: number } | { amount: number }) =>
      autocannon({
        url: `${url}/callbacks/tencent`,
        connections: rate ? 25 : 50,
        ...limit,
        timeout: 5,
        ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
        requests: [
          {
            method: 'POST',
            path: '/callbacks/tencent',
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => ({ ...request, body: body() }),
          },
        ],
      });

    for (const server of servers) await load(server.url, { amount: 15_000 });
    const totals = new Map(
      servers.map((s) => [s.name, { ok: 0, s: 0, non2xx: 0, server: 0, redis: 0, p99: [] as number[] }]),
    );
    for (let round = 0; round < rounds; round += 1) {
      const order = servers.map((_, i) => servers[(i + round) % servers.length]!);
      for (const server of order) {
        const cpu = { server: cpuMsOf(server.process.pid), redis: cpuMsOf(redisPid) };
        const result = await load(server.url, { duration: seconds });
        const total = totals.get(server.name)!;
        total.ok += result['2xx'];
        total.s += result.duration;
        total.non2xx += result.non2xx;
        total.server += cpuMsOf(server.process.pid) - cpu.server;
        total.redis += cpuMsOf(redisPid) - cpu.redis;
        total.p99.push(result.latency.p99);
      }
      console.log(`round ${round + 1} of ${rounds} done`);
    }
    console.log(
      `\n| server | 200/s | CPU µs per 200 (server / redis) | non-2xx | p99 ms per segment |\n|---|---|---|---|---|`,
    );
    for (const [name, t] of totals) {
      const per = (ms: number) => (t.ok ? Math.round((ms * 1000) / t.ok) : 0);
      console.log(
        `| ${name} | ${Math.round(t.ok / t.s).toLocaleString('en-US')} | ${per(t.server)} / ${per(t.redis)} | ${t.non2xx} | ${t.p99.join(' / ')} |`,
      );
    }
  } finally {
    for (const server of servers) await server.process.stop();
    await redis.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
