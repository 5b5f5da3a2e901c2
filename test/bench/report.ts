import type { BenchResult, Figure } from './results.js';

/** The result as Markdown: machine, the figures table, and each phase's detail. Pasted into docs/BENCHMARKS.md. */

const number = (value: number) =>
  Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : Math.abs(value) < 1
      ? value.toLocaleString('en-US', { maximumSignificantDigits: 3 })
      : value.toLocaleString('en-US', { maximumFractionDigits: 2 });

function row(f: Figure): string {
  const met = f.met === null ? '—' : f.met ? 'met' : '**missed**';
  const baseline = f.baseline === null ? '—' : `${number(f.baseline)} ${f.unit} (${f.baselineName})`;
  const ratio = f.ratio === null ? '—' : `${number(f.ratio)}×`;
  return `| ${f.name} | ${number(f.value)} ${f.unit} | ${baseline} | ${ratio} | ${f.target ?? '—'} | ${met} |`;
}

export function renderMarkdown(result: BenchResult): string {
  const m = result.machine;
  const lines = [
    `Run ${result.startedAt} (${result.mode}, ${result.runtime === 'dist' ? 'compiled dist/' : 'tsx'}), ${result.durationS} s.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.ramGiB} GiB RAM, ${m.os}, Linux ${m.kernel}; Node ${m.node}, Redis ${m.redis}; ${Object.entries(
      m.packages,
    )
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}. Load average (1 min) ${m.loadAverage.start} at start, ${m.loadAverage.end} at end.`,
    '',
    '| figure | value | baseline | ratio | target | |',
    '|---|---|---|---|---|---|',
    ...result.figures.map(row),
  ];
  if (result.ingest) {
    const { baseline, naive, before, mixkeeper, jobs } = result.ingest;
    const servers: [string, typeof baseline][] = [
      ['bare Hono', baseline],
      ['naive receiver', naive],
      ...(before ? [['mixkeeper before', before] as [string, typeof baseline]] : []),
      ['mixkeeper', mixkeeper],
    ];
    lines.push(
      '',
      '**Ingest runs**',
      '',
      '| server | run | conns | 200/s | p50 ms | p90 ms | p99 ms | max ms | non-2xx | errors | CPU µs per 200 (server / redis) | peak RSS MiB |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|',
      ...servers.flatMap(([name, server]) =>
        (['max', 'rateLimited'] as const).map((key) => {
          const run = server[key];
          return `| ${name} | ${run.targetRps ? `${run.targetRps}/s` : 'max'} | ${run.connections} | ${number(run.okPerS)} | ${run.latencyMs.p50} | ${run.latencyMs.p90} | ${run.latencyMs.p99} | ${run.latencyMs.max} | ${run.non2xx} | ${run.errors} | ${run.cpuUsPerOk.server} / ${run.cpuUsPerOk.redis} | ${number(Math.round(server.peakRssBytes / 2 ** 20))} |`;
        }),
      ),
      '',
      `Jobs (mixkeeper): ${number(jobs.ok200)} answers 200, ${number(jobs.matched)} found in Redis, ${jobs.missing} missing; ${number(jobs.storedInQueue)} jobs in the queue (the excess had their answer cut off when a run ended).`,
    );
  }
  if (result.reaction) {
    lines.push(
      '',
      '**Reaction runs** (ms; joins minus the readiness wait)',
      '',
      '| run | debounce | grace | changes | measured | all p50 / p99 | joins p50 / p99 | leaves p50 / p99 | leaves beyond grace p50 / p99 | codes | violations |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...[result.reaction.chosen, ...(result.reaction.defaults ? [result.reaction.defaults] : [])].map(
        (r) =>
          `| ${r.label} | ${r.settings.debounceMs} | ${r.settings.leaveGraceMs} | ${r.changes} | ${r.measured} | ${r.allMs.p50} / ${r.allMs.p99} | ${r.joinMs.p50} / ${r.joinMs.p99} | ${r.leaveMs.p50} / ${r.leaveMs.p99} | ${r.leaveBeyondGraceMs.p50} / ${r.leaveBeyondGraceMs.p99} | ${JSON.stringify(r.codes)} | ${r.violations} |`,
      ),
    );
  }
  if (result.economy) {
    const e = result.economy;
    lines.push(
      '',
      `**API economy** (${e.rooms} rooms, ${e.changes} membership changes, ${e.callbacksPerReactor} callbacks each)`,
      '',
      '| reactor | requests | starts | cancels | failed answers | per change | identical consecutive (after success) | violations | live sessions at end | reaction p50 / p99 ms |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...(
        [
          ['mixkeeper', e.mixkeeper],
          ['naive', e.naive],
        ] as const
      ).map(
        ([name, r]) =>
          `| ${name} | ${r.requests} | ${r.starts} | ${r.cancels} | ${r.failedAnswers} | ${number(r.perChange)} | ${r.identicalConsecutive} (${r.identicalAfterSuccess}) | ${r.violations} | ${r.liveSessionsAtEnd} | ${r.reactionMs.p50} / ${r.reactionMs.p99} |`,
      ),
    );
  }
  if (result.scale) {
    const s = result.scale;
    lines.push(
      '',
      `**Scale** (${number(s.rooms)} rooms, ${number(s.streams)} streams)`,
      '',
      `- Load: ${number(s.load.callbacks)} callbacks answered 200 at ${number(s.load.okPerS)}/s (events queue paused); the mix platform is a stub that accepts every request.`,
      `- Events worker: ${number(s.events.processed)} in ${s.events.seconds} s = ${number(s.events.perS)}/s (reconcile queue paused); CPU per event: worker ${s.events.cpuUs.worker} µs, redis ${s.events.cpuUs.redis} µs; Redis commands per event ${JSON.stringify(s.events.redisCommands)}.`,
      `- Reconcile: ${number(s.reconcile.rooms)} rooms, ${number(s.reconcile.startsOk)} rooms started, in ${s.reconcile.seconds} s = ${number(s.reconcile.perS)} rooms/s; CPU per room: worker ${s.reconcile.cpuUs.worker} µs, redis ${s.reconcile.cpuUs.redis} µs; Redis commands per room ${JSON.stringify(s.reconcile.redisCommands)}.`,
      `- Redis used_memory ${number(s.memory.usedBefore)} → ${number(s.memory.usedAfter)} bytes: ${number(Math.round(s.memory.perRoomAll))} per room in all; room keys ${number(Math.round(s.memory.perRoomState))} per room (${Object.entries(
        s.memory.roomKeyMeans,
      )
        .map(([key, bytes]) => `${key} ${number(Math.round(bytes))}`)
        .join(', ')}); queue keys ${number(Math.round(s.memory.perRoomQueues))} per room.`,
      `- Steady state (${s.memory.steadyState.rooms} rooms × ${s.memory.steadyState.changesPerRoom} more changes, ${s.memory.steadyState.auditEntriesPerRoom} audit entries): ${number(Math.round(s.memory.steadyState.perRoomState))} bytes of room state per room (${Object.entries(
        s.memory.steadyState.roomKeyMeans,
      )
        .map(([key, bytes]) => `${key} ${number(Math.round(bytes))}`)
        .join(', ')}); audit JSON by entry type: ${Object.entries(s.memory.steadyState.auditBytesByType)
        .map(([type, bytes]) => `${type} ${number(Math.round(bytes))}`)
        .join(', ')}.`,
      `- Worker RSS peak ${number(Math.round(s.worker.peakRssBytes / 2 ** 20))} MiB, at end ${number(Math.round(s.worker.endRssBytes / 2 ** 20))} MiB, CPU ${number(s.worker.cpuMs)} ms; API RSS peak ${number(Math.round(s.api.peakRssBytes / 2 ** 20))} MiB.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
