import { afterAll, beforeAll, expect, test } from 'vitest';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import type { MixkeeperProcess } from '../support/mixkeeper-process.js';
import { checkTruth, liveSessionsByRoom } from '../support/room-truth.js';

/**
 * kill -9 of the worker process while a mix request is in flight, twice on the same room: the
 * request reaches the platform, its outcome is never recorded. The room must still converge, and
 * the platform must never run two sessions for it.
 */

let rig: ChaosRig;
let api: MixkeeperProcess;
const ROOM = 'crash1';
const LATENCY_MS = 800;

beforeAll(async () => {
  rig = await startChaosRig({
    env: { MIX_REQUEST_TIMEOUT_MS: '2000', RECONCILE_LEASE_MS: '2500', WORKER_LOCK_MS: '3000' },
  });
  api = await rig.spawn('api');
}, 60_000);
afterAll(() => rig?.close(), 30_000);

/** Waits for a mix request for the room that has arrived but not been answered, and returns it. */
async function requestInFlight(after: number) {
  return until(
    async () => {
      const held = rig.sim
        .requests()
        .find((r) => r.at > after && r.sessionId?.startsWith(`${ROOM}_`) && r.status === null);
      if (!held) throw new Error(`no request for ${ROOM} in flight yet`);
      return held;
    },
    20_000,
    10,
  );
}

test('a worker killed mid-request twice on one room: the room converges, one session at most', async () => {
  const started = Date.now();
  // Every mix request is held before the platform handles it: a window to kill the worker in.
  rig.sim.setFaults({ seed: 1, latencyMs: LATENCY_MS });
  let maxSessions = 0;
  const watcher = setInterval(() => {
    const count = liveSessionsByRoom(rig.sim).get(ROOM)?.length ?? 0;
    maxSessions = Math.max(maxSessions, count);
  }, 10);

  try {
    let worker = await rig.spawn('worker');
    const push = (id: string, role: 'main' | 'guest') =>
      rig.sim.pushStream({ streamId: id, params: { mix_room: ROOM, mix_role: role } });
    push('crash1_host', 'main');
    push('crash1_g1', 'guest');

    const recoveries: number[] = [];
    let since = 0;
    for (const kill of [1, 2]) {
      const held = await requestInFlight(since);
      const killedAt = Date.now();
      await worker.kill();
      // The platform still applies the request it holds: an outcome mixkeeper never records.
      worker = await rig.spawn('worker');
      if (kill === 1) push('crash1_g2', 'guest');
      const next = await requestInFlight(held.at);
      recoveries.push(next.at - killedAt);
      since = held.at;
    }

    const converged = await until(
      async () => {
        const check = await checkTruth({ store: rig.store, sim: rig.sim, rooms: [ROOM], leaveGraceMs: 40 });
        expect(check.mismatches).toEqual([]);
        return Date.now();
      },
      30_000,
      50,
    );
    const requests = rig.sim.requests().filter((r) => r.sessionId?.startsWith(`${ROOM}_`));
    const sessionIds = new Set(rig.sim.sessions({ includeCancelled: true }).map((s) => s.sessionId));
    const stalled = worker.logs().filter((l) => l.msg === 'job stalled').length;
    rig.report('worker kill -9 mid-request ×2', {
      kills: 2,
      recoveryMs: recoveries.join('/'),
      convergedMs: converged - started,
      requests: requests.length,
      sessionsEver: sessionIds.size,
      maxLiveSessions: maxSessions,
      stalledSeenByRestart: stalled,
    });
    expect(maxSessions).toBe(1);
    expect(sessionIds.size).toBe(1);
    expect(rig.violations()).toEqual([]);
    const live = rig.sim.sessions()[0];
    expect(live?.inputs.map((i) => i.streamId).sort()).toEqual(['crash1_g1', 'crash1_g2', 'crash1_host']);
  } finally {
    clearInterval(watcher);
  }
}, 90_000);

afterAll(async () => {
  await api?.kill();
});
