import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { liveEventJobId, QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import type { MixRequestRecord } from '../../src/sim/index.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import { startBenchStack } from './bench-stack.js';
import { churnTimeline, DRAIN_MS, type TimedStep } from './churn-script.js';
import type { BenchContext } from './context.js';
import { receiptKey, startNaiveReactor } from './naive-reactor.js';
import { distribution } from './percentiles.js';
import { sleep, waitUntil } from './processes.js';
import type { EconomyResult, ReactorTotals } from './results.js';
import { type SimProcess, startSimProcess } from './sim-process.js';
import { countRepeats, firstReflecting, requestsByOutput } from './sim-requests.js';

/**
 * Phase 3, API economy: the same churn script played on two simulators at once — one calling
 * mixkeeper back (default settings), one calling the naive reactor back — and every mix request
 * each simulator received, counted against the membership changes the script made.
 */

interface Played extends TimedStep {
  /** The sequence each simulator gave the push (or the stopped push). */
  sequence: { mixkeeper: string; naive: string };
}

export async function measureEconomy(ctx: BenchContext): Promise<EconomyResult> {
  const { rooms, timeScale, staggerMs } = ctx.sizes.economy;
  const defaults = loadConfig({});
  ctx.log(`economy: ${rooms} rooms of churn, mixkeeper (defaults) and the naive reactor side by side`);
  const stack = await startBenchStack(ctx, {
    name: 'economy',
    timeScale,
    env: {
      MIX_DEBOUNCE_MS: Math.round(defaults.MIX_DEBOUNCE_MS * timeScale),
      MIX_LEAVE_GRACE_MS: Math.round(defaults.MIX_LEAVE_GRACE_MS * timeScale),
    },
    simCallbacks: true,
  });
  const reactor = await startNaiveReactor({
    appId: ctx.keys.appId,
    callbackKey: ctx.keys.callbackKey,
    mixKey: ctx.keys.mixKey,
    // "Retry every 2 s", a handful of times: the demos' loop.
    retryMs: Math.round(2000 * timeScale),
    maxAttempts: 5,
  });
  let naiveSim: SimProcess | undefined;
  try {
    naiveSim = await startSimProcess({
      name: 'economy-naive-sim',
      runtime: ctx.runtime,
      logDir: ctx.logDir,
      keys: ctx.keys,
      timeScale,
      callbackUrl: `${reactor.url}/callbacks/tencent`,
    });
    reactor.setMixUrl(naiveSim.mixUrl);
    const sims = { mixkeeper: stack.sim, naive: naiveSim };

    const timeline = churnTimeline(rooms, timeScale, staggerMs);
    const started = performance.now();
    const pending: Promise<Played>[] = [];
    const lastOfStream = new Map<string, Promise<unknown>>();
    for (const step of timeline) {
      const wait = started + step.realAt - performance.now();
      if (wait > 1) await sleep(wait);
      const act = async (sim: SimProcess) => {
        if (step.op === 'push') {
          const params: Record<string, string> = { mix_room: `ec${step.room}` };
          if (step.who === 'M') params.mix_role = 'main';
          return (await sim.push(step.streamId, params)).sequence;
        }
        const stopped = await sim.stop(step.streamId);
        if (!stopped) throw new Error(`${step.streamId} was not live`);
        return stopped.sequence;
      };
      // A stream's steps stay in order even when the simulators answer slowly.
      const previous = lastOfStream.get(step.streamId) ?? Promise.resolve();
      const done = previous.then(() =>
        Promise.all([act(sims.mixkeeper), act(sims.naive)]).then(([mixkeeper, naive]) => ({
          ...step,
          sequence: { mixkeeper, naive },
        })),
      );
      lastOfStream.set(step.streamId, done);
      pending.push(done);
    }
    const played = await Promise.all(pending);
    await sleep(DRAIN_MS * timeScale);
    await waitUntil('the naive reactor to stop retrying', () => reactor.pending() === 0, 30_000);

    const queue = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: ctx.redis, prefix: QUEUE_PREFIX });
    const mkReceipts = new Map<Played, number>();
    try {
      for (const step of played) {
        const kind = step.op === 'push' ? 'push' : 'disconnect';
        const job = await queue.getJob(
          liveEventJobId({ kind, streamId: step.streamId, sequence: step.sequence.mixkeeper }),
        );
        if (job) mkReceipts.set(step, job.data.receivedAt);
      }
    } finally {
      await queue.close();
    }
    const naiveReceipts = new Map<Played, number>();
    for (const step of played) {
      const at = reactor.receipts.get(
        receiptKey(step.op === 'push' ? 'push' : 'disconnect', step.streamId, step.sequence.naive),
      );
      if (at !== undefined) naiveReceipts.set(step, at);
    }

    const totals = async (sim: SimProcess, receipts: Map<Played, number>): Promise<ReactorTotals> => {
      const requests = await sim.requests();
      const repeats = countRepeats(requests);
      return {
        requests: requests.length,
        starts: requests.filter((r) => r.op === 'start').length,
        cancels: requests.filter((r) => r.op === 'cancel').length,
        failedAnswers: requests.filter((r) => r.code !== 0).length,
        perChange: Math.round((requests.length / played.length) * 1000) / 1000,
        identicalConsecutive: repeats.identical,
        identicalAfterSuccess: repeats.afterSuccess,
        violations: (await sim.violations()).length,
        liveSessionsAtEnd: (await sim.sessions()).length,
        reactionMs: distribution(reactionTimes(played, receipts, requests, stack.readyDelayMs)),
      };
    };
    const result: EconomyResult = {
      rooms,
      changes: played.length,
      callbacksPerReactor: played.length,
      mixkeeper: await totals(sims.mixkeeper, mkReceipts),
      naive: await totals(sims.naive, naiveReceipts),
    };
    for (const name of ['mixkeeper', 'naive'] as const) {
      const r = result[name];
      ctx.log(
        `  ${name}: ${r.requests} requests for ${result.changes} changes = ${r.perChange}/change; ${r.identicalConsecutive} identical consecutive; ${r.violations} violations; reaction p50 ${r.reactionMs.p50} ms`,
      );
    }
    return result;
  } finally {
    await naiveSim?.close();
    await reactor.close();
    await stack.close();
  }
}

/**
 * Guest joins and leaves only (a main alone cannot be mixed). A change undone before any accepted
 * request showed it — the flap inside the leave grace — has no reaction and is left out.
 */
function reactionTimes(
  played: readonly Played[],
  receipts: ReadonlyMap<Played, number>,
  requests: readonly MixRequestRecord[],
  readyDelayMs: number,
): number[] {
  const byOutput = requestsByOutput(requests);
  const times: number[] = [];
  played.forEach((step, i) => {
    const since = receipts.get(step);
    if (step.who === 'M' || since === undefined) return;
    const next = played.slice(i + 1).find((later) => later.streamId === step.streamId);
    const until = next ? (receipts.get(next) ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
    const kind = step.op === 'push' ? 'join' : 'leave';
    const request = firstReflecting(
      byOutput.get(`m_${step.room}`),
      { kind, streamId: step.streamId, since },
      true,
    );
    if (!request || request.at >= until) return;
    times.push(Math.max(0, request.at - since - (kind === 'join' ? readyDelayMs : 0)));
  });
  return times;
}
