import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { type PushSpec, pushSpecSchema } from '../core/streams.js';
import coHostJoinLeave from './co-host-join-leave.json' with { type: 'json' };
import demo from './demo.json' with { type: 'json' };
import flappingGuest from './flapping-guest.json' with { type: 'json' };
import grid9 from './grid-9.json' with { type: 'json' };
import pk from './pk.json' with { type: 'json' };
import voiceRoom from './voice-room.json' with { type: 'json' };

/**
 * Scenarios: a timeline of pushes, stops and resolution changes replayed against the simulator,
 * for demos (`mixkeeper sim --scenario pk`), `mixkeeper dev` (`demo`, which stays on air) and benchmarks. `at` is platform
 * milliseconds from the start, so the simulator's time scale speeds a scenario up too.
 */

const at = z
  .number()
  .min(0)
  .max(24 * 3600 * 1000);
const stepSchema = z.union([
  z.strictObject({ at, push: pushSpecSchema }),
  z.strictObject({ at, stop: z.string().min(1) }),
  z.strictObject({
    at,
    resolution: z.strictObject({
      streamId: z.string().min(1),
      width: z.number().int().min(0).max(8192),
      height: z.number().int().min(0).max(8192),
    }),
  }),
]);
export type ScenarioStep = z.infer<typeof stepSchema>;

/** A bare array of steps, or `{name, description, timeline}`. */
const scenarioSchema = z
  .union([
    z.array(stepSchema),
    z.strictObject({
      name: z.string().min(1).max(100).optional(),
      description: z.string().max(2000).optional(),
      timeline: z.array(stepSchema),
    }),
  ])
  .transform((raw) => {
    const doc = Array.isArray(raw) ? { timeline: raw } : raw;
    return {
      name: doc.name ?? 'unnamed',
      description: doc.description ?? '',
      // Stable sort: steps at the same instant keep their written order.
      steps: [...doc.timeline].sort((a, b) => a.at - b.at),
    };
  });
export type Scenario = z.output<typeof scenarioSchema>;

const BUILTIN_SOURCES: Record<string, unknown> = {
  demo,
  'co-host-join-leave': coHostJoinLeave,
  pk,
  'grid-9': grid9,
  'voice-room': voiceRoom,
  'flapping-guest': flappingGuest,
};

/** The scenarios shipped in src/sim/scenarios/, by name. */
export const BUILTIN_SCENARIO_NAMES = Object.keys(BUILTIN_SOURCES);

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
}

export function parseScenario(raw: unknown, source: string): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new ScenarioError(`scenario ${source}${where}: ${issue?.message ?? 'invalid'}`);
}

/** A shipped scenario by name, or a JSON file by path. */
export async function loadScenario(nameOrPath: string): Promise<Scenario> {
  const builtin = BUILTIN_SOURCES[nameOrPath];
  if (builtin !== undefined) return parseScenario(builtin, nameOrPath);
  let text: string;
  try {
    text = await readFile(nameOrPath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ScenarioError(
      `scenario ${nameOrPath}: cannot read it (${reason}); shipped ones: ${BUILTIN_SCENARIO_NAMES.join(', ')}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(`scenario ${nameOrPath}: not JSON (${(error as Error).message})`);
  }
  return parseScenario(raw, nameOrPath);
}

/** What playback needs of a simulator; `Simulator` from simulator.ts is one. */
export interface ScenarioTarget {
  readonly clock: Clock;
  pushStream(spec: PushSpec): unknown;
  stopStream(streamId: string): boolean;
  setStreamResolution(streamId: string, width: number, height: number): boolean;
}

export interface PlayOptions {
  /** Aborting stops playback before the next step. */
  signal?: AbortSignal;
  /** Called after each step is applied. */
  onStep?: (step: ScenarioStep, index: number) => void;
}

export interface PlayResult {
  played: number;
  /** Stopped early: the signal fired or the simulator closed. */
  aborted: boolean;
}

/** Replays the timeline; resolves when the last step is applied or playback is stopped. */
export async function playScenario(
  target: ScenarioTarget,
  scenario: Scenario,
  options: PlayOptions = {},
): Promise<PlayResult> {
  const { clock } = target;
  const startedAt = clock.now();
  let played = 0;
  for (const step of scenario.steps) {
    const wait = startedAt + clock.toReal(step.at) - clock.now();
    if (wait > 0 && !(await clock.sleepReal(wait, options.signal))) return { played, aborted: true };
    if (options.signal?.aborted) return { played, aborted: true };
    if ('push' in step) target.pushStream(step.push);
    else if ('stop' in step) target.stopStream(step.stop);
    else target.setStreamResolution(step.resolution.streamId, step.resolution.width, step.resolution.height);
    options.onStep?.(step, played);
    played += 1;
  }
  return { played, aborted: false };
}

/** One line describing a step, for logs. */
export function describeStep(step: ScenarioStep): string {
  if ('push' in step) return `push ${step.push.streamId}`;
  if ('stop' in step) return `stop ${step.stop}`;
  return `resolution ${step.resolution.streamId} ${step.resolution.width}x${step.resolution.height}`;
}
