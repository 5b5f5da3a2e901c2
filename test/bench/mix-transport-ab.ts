import { layout } from '../../src/layout/layout.js';
import { legacyBackend } from '../../src/mix/legacy-backend.js';
import { LIMITS } from '../../src/tencent/limits.js';
import { startStubPlatform } from './stub-platform.js';

/**
 * `tsx test/bench/mix-transport-ab.ts`: CPU per mix request of the legacy backend over fetch and
 * over its node:http transport, in interleaved rounds so that other load on the machine hits
 * both alike. Against an in-process stub platform, whose own cost is included in both columns.
 */

const rounds = 6;
const room = {
  roomId: 'ab',
  config: {},
  streams: Array.from({ length: 4 }, (_, i) => ({
    streamId: `s${i}`,
    role: i === 0 ? ('main' as const) : ('guest' as const),
    media: 'av' as const,
    joinedAt: 1_700_000_000_000 + i,
    width: 540,
    height: 960,
  })),
};

async function main(): Promise<void> {
  const plan = layout(room, LIMITS.legacy);
  if (!plan) throw new Error('no plan');
  const stub = await startStubPlatform();
  const options = { url: stub.mixUrl, appId: 1252500000, key: 'ab', timeoutMs: 5000 };
  const transports = { fetch: legacyBackend({ ...options, fetch }), http: legacyBackend(options) };
  const cpuPerRequest = async (run: () => Promise<unknown>, calls: number, perCall: number) => {
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (calls * perCall);
  };
  const samples: Record<string, number[]> = {};
  const record = (name: string, value: number) => {
    samples[name] = [...(samples[name] ?? []), value];
  };
  for (let round = 0; round < rounds; round++) {
    for (const [name, backend] of Object.entries(transports)) {
      const serial = await cpuPerRequest(() => backend.start('ab_1', plan), 200, 1);
      const concurrent = await cpuPerRequest(
        () => Promise.all(Array.from({ length: 32 }, () => backend.start('ab_1', plan))),
        20,
        32,
      );
      // The first round warms the JIT and the connection pools: not counted.
      if (round === 0) continue;
      record(`${name} serial`, serial);
      record(`${name} 32 concurrent`, concurrent);
    }
  }
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    console.log(
      `${name.padEnd(20)} median ${median.toFixed(0)} µs CPU per request (${values.map((v) => v.toFixed(0)).join(' ')})`,
    );
  }
  await stub.close();
}

void main();
