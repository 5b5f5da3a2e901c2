import { afterAll, beforeAll, expect, test } from 'vitest';
import { liveEventJobId, QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import { type ChaosRig, printFigures, startChaosRig, until } from '../support/chaos-rig.js';
import type { MixkeeperProcess } from '../support/mixkeeper-process.js';
import { checkTruth, liveSessionsByRoom } from '../support/room-truth.js';
import { type LegacyMixBody, mixInputs } from '../support/stack.js';

/**
 * kill -9 of `mixkeeper all` right after it answered 200 to pushes, some of whose events jobs it
 * was running (locked) at that moment, with the default lock and stall settings: after the
 * restart, each room's next start, with the pushed guest in it, reaches the platform within 10 s.
 * The restart is counted from the new process's `starting` line: before it, node and tsx load and
 * compile the code on the fly, 5–9 s on a loaded 2-core machine, which a built image does not pay
 * (the figures show both).
 *
 * Kept at their defaults (src/config.ts): WORKER_LOCK_MS, WORKER_STALLED_CHECK_MS, the lease, the
 * request timeout, debounce, leave grace, retry base, concurrency, resync and shutdown settings.
 * Only the platform's timing rules are scaled with the simulator's clock (platformTimingEnv, as
 * every chaos test does), so a start may follow a push 250 ms later instead of 5 s.
 */

const KEPT_AT_DEFAULT = [
  'WORKER_LOCK_MS',
  'WORKER_STALLED_CHECK_MS',
  'RECONCILE_LEASE_MS',
  'MIX_REQUEST_TIMEOUT_MS',
  'MIX_DEBOUNCE_MS',
  'MIX_LEAVE_GRACE_MS',
  'MIX_RETRY_BASE_MS',
  'EVENTS_CONCURRENCY',
  'RECONCILE_CONCURRENCY',
  'RESYNC_INTERVAL_MS',
  'RESYNC_JITTER_MS',
  'RESYNC_FAILED_RETRY_MS',
  'SHUTDOWN_DEADLINE_MS',
] as const;
/** Restart → the start with the pushed guest, at most. */
const PROMISE_MS = 10_000;
const ROOMS = 10;
const CRASHES = 3;
const ACTIVE_KEY = `${QUEUE_PREFIX}:${QUEUES.liveEvents}:active`;
const lockKey = (jobId: string) => `${QUEUE_PREFIX}:${QUEUES.liveEvents}:${jobId}:lock`;

let rig: ChaosRig;
let proc: MixkeeperProcess;
const rooms = Array.from({ length: ROOMS }, (_, i) => `crash${i}`);

beforeAll(async () => {
  // An empty variable is an unset one (src/config.ts): the child runs on the defaults.
  rig = await startChaosRig({ env: Object.fromEntries(KEPT_AT_DEFAULT.map((name) => [name, ''])) });
  proc = await rig.spawn('all');
}, 60_000);
afterAll(() => rig?.close(), 30_000);

const push = (roomId: string, streamId: string, role: 'main' | 'guest') =>
  rig.sim.pushStream({ streamId, params: { mix_room: roomId, mix_role: role } });

/** When the platform first got a start for the room with `streamId` among its inputs. */
function firstStartWith(roomId: string, streamId: string): number | undefined {
  return rig.sim
    .requests()
    .find(
      (r) =>
        r.op === 'start' &&
        r.sessionId?.startsWith(`${roomId}_`) &&
        mixInputs({ body: r.body as LegacyMixBody }).some((input) => input.id === streamId),
    )?.at;
}

/**
 * Pushes a new guest into every room, and freezes the process (SIGSTOP) the moment it is running
 * some of their events jobs; until that happens, lets it go on and pushes again. Returns the
 * guests pushed in the round that froze it and the events jobs it held then (their locks alive).
 */
async function freezeHoldingEventJobs(crash: number) {
  for (let round = 0; round < 20; round++) {
    const guests = rooms.map((roomId) => {
      const streamId = `${roomId}_c${crash}r${round}`;
      return { roomId, streamId, sequence: push(roomId, streamId, 'guest').sequence };
    });
    const deadline = Date.now() + 3000;
    let active: string[] = [];
    while (!active.length && Date.now() < deadline) active = await rig.client.lrange(ACTIVE_KEY, 0, -1);
    if (active.length) proc.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    const locked: { jobId: string; lockTtlMs: number }[] = [];
    for (const jobId of active) {
      const lockTtlMs = await rig.client.pttl(lockKey(jobId));
      if (lockTtlMs > 0) locked.push({ jobId, lockTtlMs });
    }
    if (locked.length) return { guests, locked, frozenAt };
    if (active.length) proc.child.kill('SIGCONT');
    await settled();
  }
  throw new Error('the process was never caught running an events job');
}

/** Every room matches the platform: the same streams, one session mixing them. */
async function settled() {
  await until(
    async () => {
      const check = await checkTruth({ store: rig.store, sim: rig.sim, rooms, leaveGraceMs: 3000 });
      expect(check.mismatches).toEqual([]);
    },
    60_000,
    100,
  );
}

test('kill -9 right after 200s to pushes, their jobs locked: each room’s start with its guest within 10 s of the restart', async () => {
  let maxSessions = 0;
  const watcher = setInterval(() => {
    for (const sessions of liveSessionsByRoom(rig.sim).values())
      maxSessions = Math.max(maxSessions, sessions.length);
  }, 10);
  try {
    for (const roomId of rooms) {
      push(roomId, `${roomId}_host`, 'main');
      push(roomId, `${roomId}_g0`, 'guest');
    }
    await settled();

    const runs: Record<string, number>[] = [];
    for (let crash = 1; crash <= CRASHES; crash++) {
      // Frozen, then killed: to the platform and to Redis, it died at `frozenAt`.
      const { guests, locked, frozenAt } = await freezeHoldingEventJobs(crash);
      await proc.kill();
      // The work promised: every guest whose callback's job made it into Redis (it was answered 200).
      const eventsQueue = rig.queue('liveEvents');
      const promised: typeof guests = [];
      for (const guest of guests) {
        if (await eventsQueue.getJob(liveEventJobId({ kind: 'push', ...guest }))) promised.push(guest);
      }
      const lockedStreams = new Set<string>();
      for (const { jobId } of locked) {
        const job = await eventsQueue.getJob(jobId);
        if (job) lockedStreams.add(String(job.data.streamId));
      }

      const spawnedAt = Date.now();
      proc = await rig.spawn('all');
      const readyAt = Date.now();
      const starting = proc.logs().find((line) => line.msg === 'starting');
      if (!starting)
        throw new Error(`no 'starting' line from the restarted process:\n${proc.lines.join('\n')}`);
      const restartedAt = starting.time;
      const startedAt = new Map<string, number>();
      await until(
        async () => {
          for (const { roomId, streamId } of promised) {
            const at = firstStartWith(roomId, streamId);
            if (at !== undefined) startedAt.set(streamId, at);
          }
          expect(promised.filter((g) => !startedAt.has(g.streamId))).toEqual([]);
        },
        60_000,
        20,
      );
      // A guest whose start went out before the crash left nothing waiting; the others are measured.
      const waited = promised.filter((g) => (startedAt.get(g.streamId) ?? 0) >= frozenAt);
      const fromRestart = (streamIds: string[]) =>
        Math.max(0, ...streamIds.map((id) => (startedAt.get(id) ?? 0) - restartedAt));
      const lockedWaited = waited.filter((g) => lockedStreams.has(g.streamId)).map((g) => g.streamId);
      runs.push({
        crash,
        lockedAtKill: locked.length,
        lockTtlMs: Math.max(...locked.map((l) => l.lockTtlMs)),
        promised: promised.length,
        waited: waited.length,
        spawnToStartingMs: restartedAt - spawnedAt,
        startingToReadyMs: readyAt - restartedAt,
        restartToRequestMaxMs: fromRestart(waited.map((g) => g.streamId)),
        lockedRestartToRequestMaxMs: fromRestart(lockedWaited),
        crashToRequestMaxMs: fromRestart(waited.map((g) => g.streamId)) + (restartedAt - frozenAt),
        spawnToRequestMaxMs: fromRestart(waited.map((g) => g.streamId)) + (restartedAt - spawnedAt),
      });
      expect(
        lockedWaited.length,
        'the process held some of the callbacks’ jobs when it died',
      ).toBeGreaterThan(0);
      // The default lock, as the process left it: a few seconds, not 30.
      expect(Math.max(...locked.map((l) => l.lockTtlMs))).toBeLessThanOrEqual(5000);
      expect(fromRestart(waited.map((g) => g.streamId))).toBeLessThanOrEqual(PROMISE_MS);
      await settled();
    }

    for (const run of runs) printFigures('kill -9 right after 200, default locks', run);
    expect(maxSessions).toBe(1);
    expect(rig.violations()).toEqual([]);
  } finally {
    clearInterval(watcher);
  }
}, 300_000);
