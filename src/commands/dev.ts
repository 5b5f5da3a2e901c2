import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, configSchema, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { readableLines } from '../log-readable.js';
import {
  describeStep,
  loadScenario,
  loadSimConfig,
  playScenario,
  type Scenario,
  ScenarioError,
  type SimConfig,
  SimConfigError,
  simulatorOptions,
  startSimulator,
} from '../sim/index.js';
import { type LocalRedis, startLocalRedis } from './local-redis.js';
import { startService } from './service.js';
import { closeOnSignals } from './shutdown.js';

/**
 * `mixkeeper dev` (what `npm start` runs): everything on this machine. A private Redis with AOF
 * under `.data/` unless REDIS_URL is set, the platform simulator with its callbacks wired to the
 * API, the API and the workers in one process, and a short demo scenario.
 */

const USAGE = `usage: mixkeeper dev [--no-demo] [--scenario <name|file.json>] [--time-scale <x>] [--data-dir <dir>]

  --no-demo      do not play the demo scenario
  --data-dir     where the private Redis keeps its AOF and the admin token is kept (default .data)
  --scenario     the scenario to play (default demo: room demo, on air until stopped)
  --time-scale   simulator time scale (default 1: real platform timing)

environment: PORT (8080), SIM_PORT (9090), REDIS_URL (unset: a private redis-server under .data/),
and the service's variables (src/config.ts). Keys are generated when unset; so is ADMIN_TOKEN,
once, then kept in <data-dir>/admin-token so a restart keeps the pages' sessions.`;

export async function run(args: string[]): Promise<number> {
  let values: {
    'no-demo'?: boolean;
    scenario?: string;
    'time-scale'?: string;
    'data-dir'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        'no-demo': { type: 'boolean' },
        scenario: { type: 'string' },
        'time-scale': { type: 'string' },
        'data-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`mixkeeper dev: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const timeScale = Number(values['time-scale'] ?? process.env.SIM_TIME_SCALE ?? 1);
  if (!(timeScale > 0)) {
    console.error('mixkeeper dev: --time-scale must be a number > 0');
    return 2;
  }
  // Read before anything starts: a typo here must not leave a half-started stack behind.
  const scenarioName = values.scenario ?? 'demo';
  let scenario: Scenario | undefined;
  if (!values['no-demo']) {
    try {
      scenario = await loadScenario(scenarioName);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      console.error(`mixkeeper dev: ${error.message}`);
      return 2;
    }
  }

  const secret = () => randomBytes(16).toString('hex');
  const env = { ...process.env };
  env.TENCENT_APPID ??= '1252500000';
  env.TENCENT_CALLBACK_KEY ??= secret();
  env.TENCENT_MIX_KEY ??= secret();
  // Cloud API 3.0 key pair: TENCENT_MIX_BACKEND=api3 drives the simulator's API 3.0, and the
  // resync reads its online list either way.
  env.TENCENT_SECRET_ID ??= `AKID${secret()}`;
  env.TENCENT_SECRET_KEY ??= secret();
  const dataDir = values['data-dir'] ?? '.data';
  const tokenFile = join(dataDir, 'admin-token');
  const tokenKept = !env.ADMIN_TOKEN;
  try {
    if (tokenKept) env.ADMIN_TOKEN = await keptSecret(tokenFile, secret);
  } catch (error) {
    console.error(`mixkeeper dev: cannot keep the admin token in ${tokenFile}: ${(error as Error).message}`);
    return 1;
  }

  // What has started so far, stopped in reverse order when a later step fails (a port in use, a
  // bad setting): a failed start exits with one line and leaves no redis-server behind.
  const started: Array<() => Promise<unknown>> = [];
  const stopStarted = async () => {
    for (const stopOne of started.reverse()) await stopOne().catch(() => {});
  };
  const fail = async (message: string, code: number) => {
    await stopStarted();
    console.error(`mixkeeper dev: ${message}`);
    return code;
  };

  const redisDir = join(dataDir, 'redis');
  let redis: LocalRedis | undefined;
  if (!env.REDIS_URL) {
    try {
      redis = await startLocalRedis({
        dir: redisDir,
        args: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
      });
    } catch (error) {
      return fail((error as Error).message, 1);
    }
    started.push(() => redis!.stop());
    env.REDIS_URL = redis.url;
  }

  let simConfig: SimConfig;
  try {
    simConfig = loadSimConfig({ ...env, SIM_TIME_SCALE: String(timeScale) });
  } catch (error) {
    if (error instanceof SimConfigError) return fail(error.message, 2);
    throw error;
  }
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(simulatorOptions(simConfig));
  } catch (error) {
    const where = `port ${simConfig.SIM_PORT} (SIM_PORT)`;
    return fail(`the simulator cannot start on ${where}: ${(error as Error).message}`, 1);
  }
  started.push(() => sim.close());
  env.TENCENT_MIX_URL = sim.mixUrl;
  env.TENCENT_API_URL = sim.apiUrl;
  // The service's timing rules follow the simulator's clock: their defaults, scaled.
  const defaults = configSchema.parse({});
  for (const name of [
    'MIX_READY_DELAY_MS',
    'MIX_CANCEL_MIN_AGE_MS',
    'MIX_SESSION_REUSE_MS',
    'MIX_MIN_START_INTERVAL_MS',
    'MIX_LEAVE_GRACE_MS',
    'MIX_DEBOUNCE_MS',
    'MIX_RETRY_BASE_MS',
  ] as const) {
    env[name] ??= String(Math.ceil(defaults[name] * timeScale));
  }

  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message, 2);
    await stopStarted();
    throw error;
  }
  const log = createLogger(config.LOG_LEVEL, readableLines(process.stdout));
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({ config, roles: { api: true, workers: true }, log });
  } catch (error) {
    return fail(`the service cannot start: ${(error as Error).message}`, 1);
  }
  started.push(() => service.close(config.SHUTDOWN_DEADLINE_MS));
  sim.setCallbackUrl(`${service.url}/callbacks/tencent`);

  const demoRoom = scenario ? firstRoom(scenario) : undefined;
  console.log(`
mixkeeper is running
  api        ${service.url}   (admin token: ${config.ADMIN_TOKEN}${tokenKept ? `, kept in ${tokenFile}` : ''})
  pages      ${service.url}/ui   (log in with the admin token)${demoRoom ? `\n  demo room  ${service.url}/ui/rooms/${demoRoom}` : ''}
  room       ${service.url}/v1/rooms/<room>   and …/layout.svg
  metrics    ${service.url}/metrics
  simulator  ${sim.url}/sim/sessions   ${sim.url}/sim/violations
  redis      ${config.REDIS_URL}${redis ? `   (private, data in ${redisDir})` : ''}

for curl and \`npm run -s mixkeeper -- rooms\` in another terminal:
  export ADMIN_TOKEN=${config.ADMIN_TOKEN}
`);

  const demo = new AbortController();
  if (scenario) {
    console.log(
      `playing scenario ${scenarioName}${demoRoom ? ` in room ${demoRoom}` : ''}; --no-demo skips it; Ctrl-C stops everything`,
    );
    void playScenario(sim, scenario, {
      signal: demo.signal,
      onStep: (step) => console.log(`  scenario: ${describeStep(step)}`),
    });
  }
  closeOnSignals(
    {
      close: async () => {
        demo.abort();
        await stopStarted();
      },
    },
    log,
    config.SHUTDOWN_DEADLINE_MS,
  );
  return new Promise<number>(() => {});
}

/** The secret kept in `file` (made, mode 0600, on first use): the same admin token at every start. */
async function keptSecret(file: string, make: () => string): Promise<string> {
  const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (kept) return kept;
  const fresh = make();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${fresh}\n`, { mode: 0o600 });
  return fresh;
}

/** The room of a scenario's first push: the one the banner links to. */
function firstRoom(scenario: Scenario): string | undefined {
  for (const step of scenario.steps) {
    if ('push' in step) return new URLSearchParams(step.push.params ?? '').get('mix_room') ?? undefined;
  }
  return undefined;
}
