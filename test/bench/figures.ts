import type { BenchResult, Figure } from './results.js';

/** The headline table: each figure beside its baseline, the ratio, and the target. */

function figure(
  id: string,
  name: string,
  value: number,
  unit: string,
  baseline: { value: number; name: string } | null,
  target: { text: string; met: boolean } | null,
): Figure {
  return {
    id,
    name,
    value,
    unit,
    baseline: baseline?.value ?? null,
    baselineName: baseline?.name ?? null,
    ratio: baseline && baseline.value !== 0 ? Number((value / baseline.value).toPrecision(3)) : null,
    target: target?.text ?? null,
    met: target?.met ?? null,
  };
}

export function computeFigures(result: BenchResult): Figure[] {
  const figures: Figure[] = [];
  const { ingest, reaction, economy, scale, layout } = result;

  if (ingest) {
    const mk = ingest.mixkeeper;
    const base = ingest.baseline;
    const naive = ingest.naive;
    const ratio = base.max.okPerS ? mk.max.okPerS / base.max.okPerS : 0;
    figures.push(
      figure(
        'ingest.max',
        'Signed callbacks answered 200, max',
        mk.max.okPerS,
        '/s',
        { value: base.max.okPerS, name: 'bare Hono POST handler' },
        { text: '≥ 0.5× bare Hono', met: ratio >= 0.5 },
      ),
      figure(
        'ingest.naive',
        'Signed callbacks answered 200, max, against the naive receiver',
        mk.max.okPerS,
        '/s',
        { value: naive.max.okPerS, name: 'naive receiver: sign check + queue.add' },
        { text: 'above the naive receiver', met: mk.max.okPerS > naive.max.okPerS },
      ),
      ...(ingest.before
        ? [
            figure(
              'ingest.before',
              'Signed callbacks answered 200, max, against mixkeeper before',
              mk.max.okPerS,
              '/s',
              { value: ingest.before.max.okPerS, name: 'mixkeeper before (--ingest-before)' },
              null,
            ),
          ]
        : []),
      figure(
        'ingest.p50',
        `Callback latency p50 at ${mk.rateLimited.targetRps}/s`,
        mk.rateLimited.latencyMs.p50,
        'ms',
        { value: base.rateLimited.latencyMs.p50, name: 'bare Hono POST handler' },
        null,
      ),
      figure(
        'ingest.p99',
        `Callback latency p99 at ${mk.rateLimited.targetRps}/s`,
        mk.rateLimited.latencyMs.p99,
        'ms',
        { value: base.rateLimited.latencyMs.p99, name: 'bare Hono POST handler' },
        { text: '≤ 25 ms', met: mk.rateLimited.latencyMs.p99 <= 25 },
      ),
      figure(
        'ingest.cpu.server',
        'API CPU per callback answered 200 (max run)',
        mk.max.cpuUsPerOk.server,
        'µs',
        { value: naive.max.cpuUsPerOk.server, name: 'naive receiver' },
        { text: '≤ 100 µs', met: mk.max.cpuUsPerOk.server <= 100 },
      ),
      figure(
        'ingest.cpu.redis',
        'Redis CPU per callback answered 200 (max run)',
        mk.max.cpuUsPerOk.redis,
        'µs',
        { value: naive.max.cpuUsPerOk.redis, name: 'naive receiver' },
        { text: '≤ 60 µs', met: mk.max.cpuUsPerOk.redis <= 60 },
      ),
      figure('ingest.missing', '200s without a stored job', ingest.jobs.missing, 'callbacks', null, {
        text: '0',
        met: ingest.jobs.missing === 0 && ingest.jobs.ok200 > 0,
      }),
    );
  }

  if (reaction) {
    const naive = economy?.naive;
    // The naive reactor's first accepted request, measured in the economy run (its own load).
    const naiveBaseline = (p: 'p50' | 'p99') =>
      naive?.reactionMs.count
        ? { value: naive.reactionMs[p], name: 'naive reactor, first accepted request' }
        : null;
    const { chosen, defaults } = reaction;
    const label = `${chosen.settings.rooms} rooms, ${chosen.settings.changesPerS} changes/s, debounce ${chosen.settings.debounceMs} ms, grace ${chosen.settings.leaveGraceMs} ms`;
    figures.push(
      figure('reaction.p50', `Reaction p50 (${label})`, chosen.allMs.p50, 'ms', naiveBaseline('p50'), {
        text: '≤ 20 ms',
        met: chosen.allMs.p50 <= 20 && chosen.missing === 0,
      }),
      figure('reaction.p99', `Reaction p99 (${label})`, chosen.allMs.p99, 'ms', naiveBaseline('p99'), {
        text: '≤ 100 ms',
        met: chosen.allMs.p99 <= 100 && chosen.missing === 0,
      }),
    );
    if (defaults) {
      figures.push(
        figure(
          'reaction.defaults.p50',
          `Reaction p50, defaults (debounce ${defaults.settings.debounceMs} ms, grace ${defaults.settings.leaveGraceMs} ms)`,
          defaults.allMs.p50,
          'ms',
          null,
          null,
        ),
        figure(
          'reaction.defaults.p99',
          `Reaction p99, defaults (debounce ${defaults.settings.debounceMs} ms, grace ${defaults.settings.leaveGraceMs} ms)`,
          defaults.allMs.p99,
          'ms',
          null,
          null,
        ),
      );
    }
  }

  if (economy) {
    const { mixkeeper: mk, naive } = economy;
    figures.push(
      figure(
        'economy.perChange',
        `Mix requests per membership change (${economy.changes} changes, ${economy.rooms} rooms)`,
        mk.perChange,
        'requests',
        { value: naive.perChange, name: 'naive reactor' },
        { text: '≤ 1.0', met: mk.perChange <= 1 },
      ),
      figure(
        'economy.identical',
        'Identical consecutive requests',
        mk.identicalConsecutive,
        'requests',
        { value: naive.identicalConsecutive, name: 'naive reactor' },
        { text: '0', met: mk.identicalConsecutive === 0 },
      ),
      figure(
        'economy.violations',
        'Platform rule violations (simulator)',
        mk.violations,
        'violations',
        { value: naive.violations, name: 'naive reactor' },
        null,
      ),
    );
  }

  if (scale) {
    figures.push(
      figure(
        'scale.memoryPerRoom',
        `Redis memory per room, room state with the audit log at its cap (${scale.memory.steadyState.rooms} rooms, ${scale.memory.steadyState.auditEntriesPerRoom} entries)`,
        Math.round(scale.memory.steadyState.perRoomState),
        'bytes',
        null,
        { text: '≤ 4,096 bytes', met: scale.memory.steadyState.perRoomState <= 4096 },
      ),
      figure(
        'scale.memoryPerRoomLoaded',
        `Redis memory per room, room state as loaded (${scale.rooms} rooms × ${scale.streams / scale.rooms} streams)`,
        Math.round(scale.memory.perRoomState),
        'bytes',
        null,
        { text: '≤ 4,096 bytes', met: scale.memory.perRoomState <= 4096 },
      ),
      figure(
        'scale.memoryPerRoomAll',
        'Redis memory per room, everything (INFO used_memory delta, queues included)',
        Math.round(scale.memory.perRoomAll),
        'bytes',
        null,
        null,
      ),
      figure('scale.reconcile', 'Reconcile throughput (readiness 0)', scale.reconcile.perS, 'rooms/s', null, {
        text: '≥ 1,000 rooms/s',
        met: scale.reconcile.perS >= 1000 && scale.reconcile.startsOk === scale.rooms,
      }),
      figure('scale.events', 'Events worker throughput', scale.events.perS, 'callbacks/s', null, null),
      figure(
        'scale.workerRss',
        'Worker RSS, peak',
        Math.round(scale.worker.peakRssBytes / 2 ** 20),
        'MiB',
        null,
        null,
      ),
    );
  }

  for (const run of layout ?? []) {
    figures.push(
      figure(
        `layout.${run.preset}.${run.inputs}`,
        `Layout plans/s, ${run.preset}, ${run.inputs} inputs`,
        run.plansPerS,
        '/s',
        { value: run.baselinePerS, name: 'demo-style planner' },
        null,
      ),
    );
  }
  return figures;
}
