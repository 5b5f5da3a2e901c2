import { parseArgs } from 'node:util';
import {
  BUILTIN_SCENARIO_NAMES,
  describeStep,
  loadScenario,
  loadSimConfig,
  playScenario,
  ScenarioError,
  SimConfigError,
  simulatorOptions,
  startSimulator,
} from '../sim/index.js';

/**
 * `mixkeeper sim`: Tencent's side of the wire on a local port — the Mix_StreamV2 CGI, push and
 * disconnect callbacks, and the /sim/* control routes. Runs until SIGINT/SIGTERM.
 */

const USAGE = `usage: mixkeeper sim [--scenario <name|file.json>] [--port <n>] [--host <addr>] [--time-scale <x>] [--callback-url <url>]

  --scenario      replay a timeline of pushes and stops: a file, or one of ${BUILTIN_SCENARIO_NAMES.join(', ')}
  --port          SIM_PORT (default 9090; 0 = any free port)
  --host          SIM_HOST (default 127.0.0.1)
  --time-scale    SIM_TIME_SCALE (default 1; 0.01 makes the 5 s readiness 50 ms)
  --callback-url  SIM_CALLBACK_URL (where push/disconnect callbacks go)

environment: TENCENT_APPID, TENCENT_CALLBACK_KEY (signs callbacks), TENCENT_MIX_KEY (checks the CGI sign),
  TENCENT_SECRET_ID / TENCENT_SECRET_KEY (both or neither: check Cloud API 3.0 TC3 signatures; unset: API 3.0 calls are refused)`;

/** Flag → the variable it overrides, so a bad flag value is reported under both names. */
const FLAG_VARIABLES = {
  port: 'SIM_PORT',
  host: 'SIM_HOST',
  'time-scale': 'SIM_TIME_SCALE',
  'callback-url': 'SIM_CALLBACK_URL',
} as const;

export async function run(args: string[]): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'time-scale': { type: 'string' },
        'callback-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    console.error(`mixkeeper sim: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }

  const env: Record<string, string | undefined> = { ...process.env };
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = values[flag];
    if (typeof value === 'string') env[variable] = value;
  }
  let config: ReturnType<typeof loadSimConfig>;
  try {
    config = loadSimConfig(env);
  } catch (error) {
    if (!(error instanceof SimConfigError)) throw error;
    let message = error.message;
    for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
      if (typeof values[flag] === 'string')
        message = message.replace(`${variable}:`, `${variable} (--${flag}):`);
    }
    console.error(`mixkeeper sim: ${message}`);
    return 2;
  }

  const scenarioArg = values.scenario;
  let scenario: Awaited<ReturnType<typeof loadScenario>> | undefined;
  if (typeof scenarioArg === 'string') {
    try {
      scenario = await loadScenario(scenarioArg);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      console.error(`mixkeeper sim: ${error.message}`);
      return 2;
    }
  }

  const sim = await startSimulator({
    ...simulatorOptions(config),
    log: (line) => console.log(`sim: ${line}`),
  });
  console.log(`mixkeeper sim listening on ${sim.url} (time scale ${sim.timeScale})`);
  console.log(`  TENCENT_MIX_URL=${sim.mixUrl}`);
  console.log(
    `  TENCENT_API_URL=${sim.apiUrl}${config.TENCENT_SECRET_ID && config.TENCENT_SECRET_KEY ? '' : ' (refused: no TENCENT_SECRET_ID/KEY)'}`,
  );
  console.log(`  callbacks → ${config.SIM_CALLBACK_URL ?? 'not sent (set SIM_CALLBACK_URL)'}`);
  console.log(`  inspect: ${sim.url}/sim/streams, ${sim.url}/sim/sessions, ${sim.url}/sim/violations`);

  const stopping = new AbortController();
  const stopped = new Promise<void>((resolve) => {
    const onSignal = (name: string) => {
      console.log(`mixkeeper sim: ${name}, closing`);
      stopping.abort();
      resolve();
    };
    process.once('SIGINT', () => onSignal('SIGINT'));
    process.once('SIGTERM', () => onSignal('SIGTERM'));
  });

  if (scenario) {
    const { name, steps } = scenario;
    console.log(`scenario ${name}: ${steps.length} steps`);
    void playScenario(sim, scenario, {
      signal: stopping.signal,
      onStep: (step, index) =>
        console.log(`scenario ${name} [${index + 1}/${steps.length}] ${describeStep(step)}`),
    }).then((result) => {
      if (!result.aborted) console.log(`scenario ${name}: done; still serving (Ctrl-C to stop)`);
    });
  }

  await stopped;
  await sim.close();
  return 0;
}
