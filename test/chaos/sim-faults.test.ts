import { afterAll, beforeAll, expect, test } from 'vitest';
import { readAudit } from '../../src/rooms/audit.js';
import { type ChaosRig, startChaosRig, until } from '../support/chaos-rig.js';
import { callbacksSettled, churn, play } from '../support/churn.js';
import { checkTruth } from '../support/room-truth.js';

/**
 * The platform misbehaving under churn: of all mix requests, 30 % time out (and are applied
 * anyway, so the client cannot know), 20 % answer -10031, 10 % answer HTTP 5xx, across 200 rooms.
 *
 * Retry budget: one reconcile makes at most MIX_RETRY_MAX_ATTEMPTS (8) attempts with capped,
 * fully jittered backoff; a room that exhausts them waits RESYNC_FAILED_RETRY_MS for the resync.
 * With 40 % of requests succeeding, a change costs 2.5 requests on average: the whole run must
 * stay within 4 requests per request that got done (accepted, or a cancel answered "already done").
 */

const ROOMS = 200;
const BUDGET_PER_DONE = 4;
let rig: ChaosRig;

beforeAll(async () => {
  // A timed-out request can still reach the platform late; 1 s keeps that well past any lag here.
  rig = await startChaosRig({ env: { MIX_REQUEST_TIMEOUT_MS: '1000' } });
  await rig.spawn('all');
}, 60_000);
afterAll(() => rig?.close(), 30_000);

test('200 rooms under churn with 30% timeouts, 20% -10031, 10% 5xx: all converge within the budget', async () => {
  // The injector draws timeout, then 5xx, then a code: these rates give 30/10/20 % of all requests.
  rig.sim.setFaults({
    seed: 7,
    timeoutRate: 0.3,
    http5xxRate: 0.1 / 0.7,
    codeRates: { '-10031': 0.2 / 0.6 },
    timeoutApplies: true,
  });
  const rooms = Array.from({ length: ROOMS }, (_, i) => ({ roomId: `rf${i}`, pushes: 3, stops: 1 }));
  const ops = churn(rooms, 7);
  const started = Date.now();
  await play(rig.sim, ops, { perTick: 10, tickMs: 25, maxPending: 50 });
  const churnMs = Date.now() - started;
  await callbacksSettled(rig.sim, 60_000);

  const convergedAt = await until(
    async () => {
      const check = await checkTruth({
        store: rig.store,
        sim: rig.sim,
        rooms: rooms.map((r) => r.roomId),
        leaveGraceMs: 40,
      });
      expect(check.mismatches).toEqual([]);
      return Date.now();
    },
    120_000,
    500,
  );

  const requests = rig.sim.requests();
  const count = (pick: (r: (typeof requests)[number]) => boolean) => requests.filter(pick).length;
  // Done: accepted, or a cancel of a session that no longer runs (the platform's "already done").
  const done = count((r) => r.code === 0 || (r.op === 'cancel' && r.code === -30300));
  const timeouts = count((r) => r.fault === 'timeout');
  const http5xx = count((r) => r.fault === 'http5xx');
  const throttled = count((r) => r.code === -10031);
  const perDone = requests.length / done;
  const otherAnswers = new Map<string, number>();
  for (const r of requests.filter((r) => !r.fault && r.code !== 0)) {
    const key = `${r.op}:${r.code}`;
    otherAnswers.set(key, (otherAnswers.get(key) ?? 0) + 1);
  }
  const failedJobs = await rig.queue('reconcile').getFailedCount();
  const retriedByResync = (await Promise.all(rooms.map((r) => readAudit(rig.store, r.roomId, 32)))).filter(
    (audit) => audit.some((e) => e.type === 'resync' && e.action === 'retry-failed'),
  ).length;
  rig.report('simulator faults 30% timeout / 20% -10031 / 10% 5xx, 200 rooms', {
    ops: ops.length,
    churnMs,
    requests: requests.length,
    done,
    timeouts,
    http5xx,
    throttled10031: throttled,
    otherAnswers: [...otherAnswers].map(([k, v]) => `${k}×${v}`).join('|') || '-',
    requestsPerDone: perDone.toFixed(2),
    budget: BUDGET_PER_DONE,
    roomsRetriedByResync: retriedByResync,
    failedJobs,
    convergedMs: convergedAt - started,
  });
  // The faults were really there, in about the proportions asked for.
  expect(timeouts / requests.length).toBeGreaterThan(0.2);
  expect(throttled / requests.length).toBeGreaterThan(0.1);
  expect(http5xx / requests.length).toBeGreaterThan(0.05);
  expect(perDone).toBeLessThanOrEqual(BUDGET_PER_DONE);
  expect(rig.violations()).toEqual([]);
}, 200_000);
