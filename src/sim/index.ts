/**
 * The platform simulator's one entry point: what commands, tests and benchmarks may import.
 *
 * The simulator plays Tencent's side and is written from the platform's point of view, so that it
 * checks the product rather than agrees with it. It therefore imports nothing of the product's
 * model (layout, rooms, reconcile, mix, queue, http) — only the wire formats in `src/tencent/` —
 * and keeps its own copy of the platform's rules: a mistake in the product shows up here as a
 * refusal or a violation instead of being shared. boundaries.test.ts holds both lines; README.md
 * maps the folders.
 */

export type { FaultPlanInput } from './core/faults.js';
export { seededRandom } from './core/prng.js';
export type { MixRequestRecord } from './core/request-log.js';
export type { PushSpec } from './core/streams.js';
export type { CallbackRecord } from './ingest/callback-sender.js';
export type { SessionView } from './platform/session-view.js';
export type { Violation } from './platform/usage-rules.js';
export {
  BUILTIN_SCENARIO_NAMES,
  describeStep,
  loadScenario,
  playScenario,
  type Scenario,
  ScenarioError,
} from './scenarios/scenario.js';
export { loadSimConfig, type SimConfig, SimConfigError, simulatorOptions } from './sim-config.js';
export type { StreamView } from './sim-core.js';
export { type Simulator, type SimulatorOptions, startSimulator } from './simulator.js';
/** For tests: the two-stream room most tests mix, and a simulator on a free port with small HTTP helpers. */
export { GUEST, HOST, PIP_SPEC } from './testing/pip-room.js';
export { startTestSim, type TestSim } from './testing/sim-harness.js';
