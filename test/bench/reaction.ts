import { Queue } from 'bullmq';
import { loadConfig } from '../../src/config.js';
import { liveEventJobId, QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import { startBenchStack } from './bench-stack.js';
import type { BenchContext } from './context.js';
import { paced } from './pacing.js';
import { distribution } from './percentiles.js';
import { sleep, waitUntil } from './processes.js';
import type { ReactionResult, ReactionRun } from './results.js';
import type { SimProcess } from './sim-process.js';
import { firstReflecting, requestsByOutput } from './sim-requests.js';

/**
 * Phase 2, reaction: with every room of a large set mixing, guests join and leave at a steady rate
 * through the simulator; for each change, the time from the receiver taking its callback (the
 * job's `receivedAt`) to the simulator taking the mix request that shows it, minus the platform's
 * readiness wait for a join (the service may not start before `receivedAt + MIX_READY_DELAY_MS`).
 * Run twice: with the settings chosen for reaction (leave grace 0), and with the defaults.
 */

interface Change {
  room: number;
  streamId: string;
  kind: 'join' | 'leave';
  sequence: string;
}

export async function measureReaction(ctx: BenchContext): Promise<ReactionResult> {
  const { timeScale, debounceMs } = ctx.sizes.reaction;
  const defaults = loadConfig({});
  const chosen = await reactionRun(ctx, 'chosen', { debounceMs, leaveGraceMs: 0 });
  if (!ctx.sizes.reaction.withDefaults) return { chosen, defaults: null };
  const scaledDefaults = await reactionRun(ctx, 'defaults', {
    debounceMs: Math.round(defaults.MIX_DEBOUNCE_MS * timeScale),
    leaveGraceMs: Math.round(defaults.MIX_LEAVE_GRACE_MS * timeScale),
  });
  return { chosen, defaults: scaledDefaults };
}

async function reactionRun(
  ctx: BenchContext,
  label: string,
  settings: { debounceMs: number; leaveGraceMs: number },
): Promise<ReactionRun> {
  const sizes = ctx.sizes.reaction;
  const rooms = sizes.rooms;
  ctx.log(
    `reaction (${label}): ${rooms} rooms, ${sizes.changesPerS} changes/s, debounce ${settings.debounceMs} ms, grace ${settings.leaveGraceMs} ms`,
  );
  const stack = await startBenchStack(ctx, {
    name: `reaction-${label}`,
    timeScale: sizes.timeScale,
    env: { MIX_DEBOUNCE_MS: settings.debounceMs, MIX_LEAVE_GRACE_MS: settings.leaveGraceMs },
    simCallbacks: true,
  });
  const { sim } = stack;
  try {
    // Every room mixing: a main and a first guest.
    await paced(rooms * 2, sizes.setupPushesPerS, (i) => {
      const room = Math.floor(i / 2);
      return i % 2 === 0
        ? sim.push(`m${room}`, { mix_room: `rx${room}`, mix_role: 'main' })
        : sim.push(`a${room}`, { mix_room: `rx${room}` });
    });
    await waitUntil(
      `${rooms} sessions mixing`,
      async () => (await sim.sessions()).length >= rooms,
      120_000,
      250,
    );
    ctx.log(`  ${rooms} rooms mixing; changes start`);

    // A second guest joins each room in turn, then leaves in the same order: one change per room
    // every rooms / rate seconds, far beyond the platform's minimum spacing of starts.
    const total = Math.max(2 * rooms, Math.round(sizes.changesPerS * sizes.durationS));
    const changes = await paced(total, sizes.changesPerS, async (k): Promise<Change> => {
      const room = k % rooms;
      const streamId = `b${room}`;
      if (Math.floor(k / rooms) % 2 === 0) {
        const view = await sim.push(streamId, { mix_room: `rx${room}` });
        return { room, streamId, kind: 'join', sequence: view.sequence };
      }
      const view = await sim.stop(streamId);
      if (!view) throw new Error(`${streamId} was not live`);
      return { room, streamId, kind: 'leave', sequence: view.sequence };
    });
    // The last changes need the readiness wait (joins) or the grace (leaves), then a moment.
    await sleep(Math.max(stack.readyDelayMs, settings.leaveGraceMs + settings.debounceMs) + sizes.settleMs);
    return await measure(ctx, sim, label, settings, stack.readyDelayMs, changes);
  } finally {
    await stack.close();
  }
}

async function measure(
  ctx: BenchContext,
  sim: SimProcess,
  label: string,
  settings: { debounceMs: number; leaveGraceMs: number },
  readyDelayMs: number,
  changes: Change[],
): Promise<ReactionRun> {
  const byOutput = requestsByOutput(await sim.requests());
  const violations = (await sim.violations()).length;
  const queue = new Queue<LiveEvent>(QUEUES.liveEvents, { connection: ctx.redis, prefix: QUEUE_PREFIX });
  const all: number[] = [];
  const joins: number[] = [];
  const leaves: number[] = [];
  const beyondGrace: number[] = [];
  const codes: Record<string, number> = {};
  let missing = 0;
  try {
    for (const change of changes) {
      const kind = change.kind === 'join' ? 'push' : 'disconnect';
      const job = await queue.getJob(
        liveEventJobId({ kind, streamId: change.streamId, sequence: change.sequence }),
      );
      const since = job?.data.receivedAt;
      // The room's output is its main's stream: its requests are the ones to look at.
      const request =
        since === undefined
          ? undefined
          : firstReflecting(byOutput.get(`m${change.room}`), { ...change, since });
      if (since === undefined || !request) {
        missing += 1;
        continue;
      }
      const ms = Math.max(0, request.at - since - (change.kind === 'join' ? readyDelayMs : 0));
      all.push(ms);
      if (change.kind === 'join') joins.push(ms);
      else {
        leaves.push(ms);
        beyondGrace.push(Math.max(0, ms - settings.leaveGraceMs));
      }
      const code = String(request.code ?? 'none');
      codes[code] = (codes[code] ?? 0) + 1;
    }
  } finally {
    await queue.close();
  }
  const run: ReactionRun = {
    label,
    settings: {
      ...settings,
      readyDelayMs,
      rooms: ctx.sizes.reaction.rooms,
      changesPerS: ctx.sizes.reaction.changesPerS,
    },
    changes: changes.length,
    measured: all.length,
    missing,
    allMs: distribution(all),
    joinMs: distribution(joins),
    leaveMs: distribution(leaves),
    leaveBeyondGraceMs: distribution(beyondGrace),
    codes,
    violations,
  };
  ctx.log(
    `  ${run.measured}/${run.changes} measured: p50 ${run.allMs.p50} ms, p99 ${run.allMs.p99} ms (joins p99 ${run.joinMs.p99}, leaves p99 ${run.leaveMs.p99}); codes ${JSON.stringify(codes)}; ${violations} violations`,
  );
  return run;
}
