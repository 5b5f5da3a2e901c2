import { request } from 'node:http';
import { afterEach, expect, test } from 'vitest';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import { callbacksSettled } from '../support/churn.js';
import type { MixkeeperProcess } from '../support/mixkeeper-process.js';
import { checkTruth } from '../support/room-truth.js';

/**
 * SIGTERM to a real `mixkeeper all` under load. Requests already in flight get their answer, jobs
 * running finish within SHUTDOWN_DEADLINE_MS or go back to the wait list, the process exits 0,
 * and a restarted process finds no stalled job and finishes the work.
 */

let rig: ChaosRig | undefined;
/** Lock and stalled-check period: twice the longest attempt (a 2 s request timeout), so a lock lapses only in a crash. */
const LOCK_MS = 4000;
const DEADLINE_MS = 500;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
}, 30_000);

/**
 * A callback in flight: `Expect: 100-continue` makes the server confirm it has read the headers and
 * handed the request to the app (`started`); half the body follows, the rest on `finish()`.
 */
function halfSentCallback(rigged: ChaosRig, key: string, n: number) {
  const t = Math.floor(Date.now() / 1000) + 600;
  const body = JSON.stringify({
    event_type: 1,
    stream_id: `inflight_${n}`,
    sequence: String(2_000_000 + n),
    event_time: Math.floor(Date.now() / 1000),
    stream_param: '',
    t,
    sign: md5Sign(key, t),
  });
  const cut = Math.floor(body.length / 2);
  let finish = () => {};
  let onStarted = () => {};
  const started = new Promise<void>((resolve) => {
    onStarted = resolve;
  });
  const answered = new Promise<number | string>((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: rigged.apiPort,
        path: '/callbacks/tencent',
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          expect: '100-continue',
        },
        agent: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('continue', () => {
      req.write(body.slice(0, cut));
      onStarted();
    });
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.flushHeaders();
    finish = () => req.end(body.slice(cut));
  });
  return { started, answered, finish: () => finish() };
}

async function queueCounts(rigged: ChaosRig) {
  const counts: Record<string, Record<string, number>> = {};
  for (const name of ['liveEvents', 'reconcile', 'resync'] as const) {
    counts[name] = await rigged.queue(name).getJobCounts('active', 'wait', 'delayed');
  }
  return counts;
}

/** Waits until the simulator holds a mix request: some reconcile is in the middle of one. */
async function mixRequestsHeld(rigged: ChaosRig) {
  await until(
    async () => expect(rigged.sim.requests().some((r) => r.status === null)).toBe(true),
    20_000,
    10,
  );
}

const activeJobs = (counts: Record<string, Record<string, number>>) =>
  Object.values(counts).reduce((sum, c) => sum + (c.active ?? 0), 0);

/**
 * Hosts keep coming and going in `rooms` rooms until `stop()`: each tick one room gets a new guest
 * and loses its oldest one, so reconciles (and mix requests) are always running.
 */
function underLoad(rigged: ChaosRig, rooms: number, tag: string) {
  const roomIds = Array.from({ length: rooms }, (_, i) => `sd${tag}_${i}`);
  let stopped = false;
  const playing = (async () => {
    for (const roomId of roomIds) {
      rigged.sim.pushStream({ streamId: `${roomId}_host`, params: { mix_room: roomId, mix_role: 'main' } });
    }
    for (let tick = 0; !stopped; tick++) {
      const roomId = roomIds[tick % rooms] ?? '';
      const round = Math.floor(tick / rooms);
      rigged.sim.pushStream({ streamId: `${roomId}_g${round}`, params: { mix_room: roomId } });
      if (round >= 2) rigged.sim.stopStream(`${roomId}_g${round - 2}`);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  })();
  return {
    roomIds,
    stop: async () => {
      stopped = true;
      await playing;
    },
  };
}

async function restartAndConverge(
  rigged: ChaosRig,
  roomIds: string[],
  runningAtSignal: ReadonlySet<string>,
  lockMs: number,
) {
  const restarted = await rigged.spawn('all');
  await callbacksSettled(rigged.sim, 60_000);
  const started = Date.now();
  await until(
    async () => {
      const check = await checkTruth({
        store: rigged.store,
        sim: rigged.sim,
        rooms: roomIds,
        leaveGraceMs: 40,
      });
      expect(check.mismatches).toEqual([]);
    },
    60_000,
    200,
  );
  const convergedMs = Date.now() - started;
  // A job the old process left locked stays active until the new one's stalled check moves it
  // (and logs it): once none of those jobs is active, that check has had its chance.
  await until(
    async () => {
      const active = await activeJobIds(rigged);
      expect([...runningAtSignal].filter((id) => active.has(id))).toEqual([]);
    },
    3 * lockMs + 10_000,
    100,
  );
  return { restarted, convergedMs };
}

/** Ids of the jobs active now, in every queue. */
async function activeJobIds(rigged: ChaosRig): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const name of ['liveEvents', 'reconcile', 'resync'] as const) {
    for (const job of await rigged.queue(name).getJobs(['active'])) if (job.id) ids.add(job.id);
  }
  return ids;
}

/**
 * Jobs the restarted process found stalled, split into those the stopped process had running
 * (what a graceful shutdown must prevent) and others (a 2 s lock on a loaded machine can lapse
 * in the new process itself).
 */
function stalledIn(proc: MixkeeperProcess, runningAtSignal: ReadonlySet<string>) {
  const ids = proc
    .logs()
    .filter((l) => l.msg === 'job stalled')
    .map((l) => String(l.jobId));
  return {
    left: ids.filter((id) => runningAtSignal.has(id)).length,
    other: ids.filter((id) => !runningAtSignal.has(id)).length,
  };
}

test('SIGTERM under load: in-flight requests answered, running jobs finish, exit 0, nothing stalled', async () => {
  rig = await startChaosRig({ env: { SHUTDOWN_DEADLINE_MS: '5000', WORKER_LOCK_MS: String(LOCK_MS) } });
  const key = rig.env.TENCENT_CALLBACK_KEY ?? '';
  // Mix requests take 400 ms: at any moment some reconciles are in the middle of one.
  rig.sim.setFaults({ seed: 3, latencyMs: 400 });
  const service = await rig.spawn('all');
  const load = underLoad(rig, 25, 'a');
  await mixRequestsHeld(rig);

  // Requests the server is handling, their bodies still coming, when SIGTERM lands.
  const inFlight = Array.from({ length: 20 }, (_, n) => halfSentCallback(rig!, key, n));
  await Promise.all(inFlight.map((call) => call.started));
  await mixRequestsHeld(rig);
  const activeAtSignal = activeJobs(await queueCounts(rig));
  const runningAtSignal = await activeJobIds(rig);
  const heldAtSignal = rig.sim.requests().filter((r) => r.status === null).length;
  const terminating = service.terminate();
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const call of inFlight) call.finish();
  const answers = await Promise.all(inFlight.map((call) => call.answered));
  const exit = await terminating;
  await load.stop();
  const after = await queueCounts(rig);

  const { restarted, convergedMs } = await restartAndConverge(rig, load.roomIds, runningAtSignal, LOCK_MS);
  rig.report('SIGTERM under load, jobs finish in time', {
    activeJobsAtSignal: activeAtSignal,
    mixRequestsInFlightAtSignal: heldAtSignal,
    inFlightRequests: answers.length,
    inFlightAnswered200: answers.filter((a) => a === 200).length,
    exitCode: String(exit.code),
    exitMs: exit.ms,
    deadlineMs: 5000,
    releasedJobs: service.logs().filter((l) => String(l.msg).startsWith('workers did not finish')).length,
    activeJobsAfterExit: activeJobs(after),
    stalledLeftBehind: stalledIn(restarted, runningAtSignal).left,
    stalledOther: stalledIn(restarted, runningAtSignal).other,
    convergedAfterRestartMs: convergedMs,
  });
  expect(activeAtSignal).toBeGreaterThan(0);
  expect(answers).toEqual(answers.map(() => 200));
  expect(exit.code).toBe(0);
  expect(exit.ms).toBeLessThan(5000 + 3000);
  expect(activeJobs(after)).toBe(0);
  expect(stalledIn(restarted, runningAtSignal).left).toBe(0);
  expect(rig.violations()).toEqual([]);
}, 120_000);

test('SIGTERM while mix requests outlast the deadline: the jobs are released, not left to stall', async () => {
  rig = await startChaosRig({
    env: {
      SHUTDOWN_DEADLINE_MS: String(DEADLINE_MS),
      MIX_REQUEST_TIMEOUT_MS: '2000',
      RECONCILE_LEASE_MS: '2500',
      WORKER_LOCK_MS: String(LOCK_MS),
    },
  });
  // Every mix request takes 1.5 s: longer than the shutdown deadline.
  rig.sim.setFaults({ seed: 4, latencyMs: 1500 });
  const service = await rig.spawn('all');
  const load = underLoad(rig, 10, 'b');
  await mixRequestsHeld(rig);
  const activeAtSignal = activeJobs(await queueCounts(rig));
  const runningAtSignal = await activeJobIds(rig);
  const heldAtSignal = rig.sim.requests().filter((r) => r.status === null).length;
  const exit = await service.terminate();
  await load.stop();
  const after = await queueCounts(rig);

  const { restarted, convergedMs } = await restartAndConverge(rig, load.roomIds, runningAtSignal, LOCK_MS);
  const released = service.logs().filter((l) => String(l.msg).startsWith('workers did not finish')).length;
  rig.report(
    'SIGTERM with requests outlasting the deadline',
    {
      activeJobsAtSignal: activeAtSignal,
      mixRequestsInFlightAtSignal: heldAtSignal,
      exitCode: String(exit.code),
      exitMs: exit.ms,
      deadlineMs: DEADLINE_MS,
      released: released > 0,
      activeJobsAfterExit: activeJobs(after),
      releasedReconcilesWaiting: (after.reconcile?.wait ?? 0) + (after.reconcile?.delayed ?? 0),
      stalledLeftBehind: stalledIn(restarted, runningAtSignal).left,
      stalledOther: stalledIn(restarted, runningAtSignal).other,
      convergedAfterRestartMs: convergedMs,
    },
    restarted.lines.filter((l) => l.includes('job stalled')),
  );
  expect(activeAtSignal).toBeGreaterThan(0);
  expect(released).toBe(1);
  expect(exit.code).toBe(0);
  expect(exit.ms).toBeLessThan(DEADLINE_MS + 3000);
  expect(activeJobs(after)).toBe(0);
  expect(stalledIn(restarted, runningAtSignal).left).toBe(0);
  expect(rig.violations()).toEqual([]);
}, 120_000);
