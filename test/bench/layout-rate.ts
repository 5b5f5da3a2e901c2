import { layout } from '../../src/layout/layout.js';
import type { RoomSnapshot } from '../../src/layout/plan.js';
import { LIMITS } from '../../src/tencent/limits.js';
import type { BenchContext } from './context.js';
import { naivePlan } from './naive-plan.js';
import type { LayoutRun } from './results.js';

/**
 * Phase 5, the layout engine: `layout()` calls per second on one core, in this process, for
 * rooms whose plan has 2, 6 and 16 inputs — PiP (main + guests) and grid (a canvas + streams) —
 * beside the demo-style planner the naive reactor uses.
 */

const CASES = [
  { preset: 'pip', streams: 2 },
  { preset: 'pip', streams: 6 },
  { preset: 'pip', streams: 16 },
  // A grid adds its canvas: 2, 6 and 15 streams make 3, 7 and 16 inputs.
  { preset: 'grid', streams: 2 },
  { preset: 'grid', streams: 6 },
  { preset: 'grid', streams: 15 },
] as const;

function room(preset: 'pip' | 'grid', streams: number): RoomSnapshot {
  return {
    roomId: `layout_${preset}_${streams}`,
    config: preset === 'grid' ? { preset: 'grid' } : {},
    streams: Array.from({ length: streams }, (_, i) => ({
      streamId: `s${i}`,
      role: preset === 'pip' && i === 0 ? 'main' : 'guest',
      media: 'av',
      joinedAt: 1_700_000_000_000 + i,
      // Mixed source shapes, so cover-fit crops are computed for real.
      width: i % 2 ? 720 : 540,
      height: i % 2 ? 1280 : 720,
    })),
  };
}

/** Calls `fn` for `durationMs` (after a warm-up of a third of it); calls per second. */
function rate(fn: () => unknown, durationMs: number): number {
  let sink = 0;
  const spin = (ms: number) => {
    const end = performance.now() + ms;
    let calls = 0;
    let now = performance.now();
    while (now < end) {
      for (let i = 0; i < 50; i++) sink += fn() ? 1 : 0;
      calls += 50;
      now = performance.now();
    }
    return calls;
  };
  spin(durationMs / 3);
  const started = performance.now();
  const calls = spin(durationMs);
  const perS = calls / ((performance.now() - started) / 1000);
  if (sink < 0) throw new Error('unreachable: keeps the results alive');
  return Math.round(perS);
}

export function measureLayout(ctx: BenchContext): LayoutRun[] {
  return CASES.map(({ preset, streams }) => {
    const snapshot = room(preset, streams);
    const plan = layout(snapshot, LIMITS.legacy);
    if (!plan) throw new Error(`layout gave no plan for ${snapshot.roomId}`);
    const naive = snapshot.streams.map((s) => ({ streamId: s.streamId, role: s.role }));
    const run: LayoutRun = {
      preset,
      inputs: plan.inputs.length,
      plansPerS: rate(() => layout(snapshot, LIMITS.legacy), ctx.sizes.layout.durationMs),
      baselinePerS: rate(() => naivePlan(naive), ctx.sizes.layout.durationMs),
    };
    ctx.log(`layout: ${preset} ${run.inputs} inputs: ${run.plansPerS}/s (naive ${run.baselinePerS}/s)`);
    return run;
  });
}
