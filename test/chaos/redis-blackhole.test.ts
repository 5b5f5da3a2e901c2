import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import { callbacksSettled } from '../support/churn.js';
import { platformTiming } from '../support/platform-timing.js';
import { checkTruth } from '../support/room-truth.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

/**
 * Redis blackholed for 10 s behind a TCP proxy: connections stay open, nothing comes back. The
 * receiver must keep answering (503) within a second, and the workers must pick up again soon
 * after the link heals. The simulator runs at time scale 0.05 so that Tencent's 12-minute retry
 * window (36 s here) outlasts the outage, as it does for a real 10 s blackhole.
 */

const TIME_SCALE = 0.05;
const BLACKHOLE_MS = 10_000;
let rig: ChaosRig;
let proxy: TcpProxy | undefined;

beforeAll(async () => {
  rig = await startChaosRig({
    timeScale: TIME_SCALE,
    redisUrlFor: async (redis) => {
      proxy = await startTcpProxy({ port: redis.port });
      return proxy.url;
    },
  });
  await rig.spawn('all');
}, 60_000);
afterAll(async () => {
  await rig?.close();
  await proxy?.close();
}, 30_000);

interface Probe {
  at: number;
  status: number;
  ms: number;
}

const readyDelay = platformTiming(TIME_SCALE).readyDelayMs;
const mixStarted = (roomId: string) =>
  rig.sim.requests().find((r) => r.op === 'start' && r.code === 0 && r.sessionId?.startsWith(`${roomId}_`));

test('blackholed Redis: callbacks get 503 within 1 s throughout; workers resume soon after healing', async () => {
  const push = (id: string, room: string, role: 'main' | 'guest') =>
    rig.sim.pushStream({ streamId: id, params: { mix_room: room, mix_role: role } });
  push('bh0_host', 'bh0', 'main');
  push('bh0_guest', 'bh0', 'guest');
  await until(async () => expect(mixStarted('bh0')).toBeDefined(), 15_000);

  // Signed callbacks straight to the receiver, one every 100 ms whatever the last one is doing.
  const probes: Probe[] = [];
  const inFlight: Promise<void>[] = [];
  let n = 0;
  const fire = () => {
    const at = Date.now();
    const probe = n++;
    inFlight.push(
      rig
        .callback({
          event_type: 1,
          stream_id: `probe_${probe}`,
          sequence: String(1_000_000 + probe),
          event_time: Math.floor(at / 1000),
          stream_param: '',
        })
        .then(({ status, ms }) => {
          probes.push({ at, status, ms });
        }),
    );
  };
  const prober = setInterval(fire, 100);
  const stopProbing = async () => {
    clearInterval(prober);
    await Promise.all(inFlight);
  };

  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const holedAt = Date.now();
    proxy?.setMode('blackhole');
    // Hosts come and go during the outage: their callbacks wait for the platform's retries.
    const rooms = Array.from({ length: 10 }, (_, i) => `bh${i + 1}`);
    for (const room of rooms) {
      push(`${room}_host`, room, 'main');
      push(`${room}_guest`, room, 'guest');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, holedAt + BLACKHOLE_MS - Date.now())));
    proxy?.setMode('pass');
    const healedAt = Date.now();
    push('bhheal_host', 'bhheal', 'main');
    push('bhheal_guest', 'bhheal', 'guest');

    const resumedAt = await until(
      async () => {
        const start = mixStarted('bhheal');
        if (!start) throw new Error('no mix for bhheal yet');
        return start.at;
      },
      30_000,
      20,
    );
    await callbacksSettled(rig.sim, 60_000);
    const convergedAt = await until(
      async () => {
        const check = await checkTruth({
          store: rig.store,
          sim: rig.sim,
          rooms: ['bh0', ...rooms, 'bhheal'],
          leaveGraceMs: 40,
        });
        expect(check.mismatches).toEqual([]);
        return Date.now();
      },
      30_000,
      100,
    );
    await stopProbing();

    const during = probes.filter((p) => p.at >= holedAt && p.at + p.ms <= healedAt);
    const firstOkAfter = probes.find((p) => p.at >= healedAt && p.status === 200);
    const slowest = Math.max(...probes.map((p) => p.ms));
    // The workers' part of the heal-to-mix time: what the readiness rule does not explain.
    const resumeMs = resumedAt - healedAt - readyDelay;
    rig.report('redis blackhole 10 s', {
      probes: probes.length,
      probesDuringHole: during.length,
      statusesDuringHole: [...new Set(during.map((p) => p.status))].join('|'),
      slowestAnswerMs: Math.round(slowest),
      slowestDuringHoleMs: Math.round(Math.max(...during.map((p) => p.ms))),
      firstOkAfterHealMs: firstOkAfter ? firstOkAfter.at + Math.round(firstOkAfter.ms) - healedAt : -1,
      workersResumedMs: resumeMs,
      roomsConvergedAfterHealMs: convergedAt - healedAt,
      callbackRetries: rig.sim.callbacks().filter((r) => r.attempts.length > 1).length,
    });
    expect(during.length).toBeGreaterThan(50);
    expect(during.every((p) => p.status === 503)).toBe(true);
    expect(slowest).toBeLessThan(1000);
    expect(resumeMs).toBeLessThan(5000);
    expect(rig.violations()).toEqual([]);
  } finally {
    await stopProbing();
  }
}, 120_000);
