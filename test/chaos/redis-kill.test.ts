import { afterAll, beforeAll, expect, test } from 'vitest';
import { liveEventJobId } from '../../src/queue/catalog.js';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import { callbacksSettled, churn, play } from '../support/churn.js';
import { checkTruth } from '../support/room-truth.js';

/**
 * kill -9 of redis-server (AOF, appendfsync always) in the middle of 1,000 callbacks over 50 rooms,
 * restarted on the same port and data 2 s later, under a running `mixkeeper all`. Callbacks come at
 * up to 80 a second, at most 50 unanswered at a time (the machine is shared and its pace varies).
 */

let rig: ChaosRig;
const ROOMS = 50;
const KILL_AT_OP = 400;
const DOWN_MS = 2000;

beforeAll(async () => {
  // Data in memory: a process crash keeps the page cache, so the disk's fsync time is beside the point.
  // Time scale 0.1: 2 s per callback attempt, retries 6 s apart: a loaded 2-core box answers in time.
  rig = await startChaosRig({
    timeScale: 0.1,
    redisArgs: ['--appendonly', 'yes', '--appendfsync', 'always'],
    dataInMemory: true,
  });
  await rig.spawn('all');
}, 60_000);
afterAll(() => rig?.close(), 30_000);

test('no callback answered 200 is lost; 503s succeed on retry; every room converges', async () => {
  // 20 callbacks a room: 10–14 pushes, the rest stops; 0 to 8 streams left live per room.
  const rooms = Array.from({ length: ROOMS }, (_, i) => ({
    roomId: `rk${i}`,
    pushes: 10 + (i % 5),
    stops: 10 - (i % 5),
  }));
  const ops = churn(rooms, 42);
  expect(ops).toHaveLength(1000);

  let killedAt = 0;
  let restarted: Promise<number> | undefined;
  const started = Date.now();
  await play(rig.sim, ops, {
    perTick: 4,
    tickMs: 50,
    maxPending: 50,
    onOp: async (i) => {
      if (i !== KILL_AT_OP) return;
      await rig.killRedis();
      killedAt = Date.now();
      // Ops go on while Redis is down: their callbacks get 503 and wait for the platform's retry.
      restarted = new Promise<void>((resolve) => setTimeout(resolve, DOWN_MS)).then(async () => {
        await rig.restartRedis();
        return Date.now();
      });
    },
  });
  const restartedAt = await restarted;
  expect(restartedAt).toBeDefined();
  await callbacksSettled(rig.sim, 60_000);

  const records = rig.sim.callbacks();
  const answered200 = records.filter((r) => r.attempts.some((a) => a.status === 200));
  const refusedFirst = records.filter((r) => r.attempts[0]?.status !== 200);
  const recovered = refusedFirst.filter((r) => r.delivered);
  const refusedStatuses = new Set(refusedFirst.flatMap((r) => r.attempts.map((a) => a.status ?? a.error)));
  const answered503 = records.filter((r) => r.attempts.some((a) => a.status === 503));
  const maxAttempts = Math.max(...records.map((r) => r.attempts.length));

  // Every callback answered 200 left a job that survived the crash and was processed.
  const events = rig.queue('liveEvents');
  const lost: string[] = [];
  for (const record of answered200) {
    const id = liveEventJobId({ kind: record.kind, streamId: record.streamId, sequence: record.sequence });
    const state = await events.getJobState(id);
    if (state !== 'completed') lost.push(`${record.kind} ${record.streamId}: ${state}`);
  }

  const roomIds = rooms.map((r) => r.roomId);
  const truth = () => checkTruth({ store: rig.store, sim: rig.sim, rooms: roomIds, leaveGraceMs: 40 });
  const convergedAt = await until(
    async () => {
      expect((await truth()).mismatches).toEqual([]);
      return Date.now();
    },
    60_000,
    250,
  ).catch(() => -1);
  const mismatches = (await truth()).mismatches;
  const liveStreams = rig.sim.streams().length;
  rig.report('redis kill -9 (AOF always) during 1000 callbacks / 50 rooms', {
    callbacks: records.length,
    answered200: answered200.length,
    refusedFirstTry: refusedFirst.length,
    refusedAnswers: [...refusedStatuses].join('|'),
    answered503: answered503.length,
    answered503ThenDelivered: answered503.filter((r) => r.delivered).length,
    recoveredOnRetry: recovered.length,
    maxAttempts,
    lostAfter200: lost.length,
    lostStates: [...new Set(lost.map((l) => l.split(': ')[1]))].join('|') || '-',
    redisDownMs: (restartedAt ?? 0) - killedAt,
    roomsMismatched: mismatches.length,
    convergedAfterRestartMs: convergedAt < 0 ? 'never' : convergedAt - (restartedAt ?? 0),
    totalMs: Date.now() - started,
    liveStreamsAtEnd: liveStreams,
  });
  expect(records).toHaveLength(1000);
  // The kill must have bitten: some callbacks were refused while Redis was away.
  expect(answered503.length).toBeGreaterThan(0);
  expect(answered503.filter((r) => !r.delivered)).toEqual([]);
  expect(answered200).toHaveLength(records.length);
  expect(lost).toEqual([]);
  expect(mismatches).toEqual([]);
  expect(rig.violations()).toEqual([]);
}, 150_000);
