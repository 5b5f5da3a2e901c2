import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { readableLines } from '../log-readable.js';
import { describeStep, loadScenario, playScenario } from '../sim/scenario.js';
import { startSimulator } from '../sim/server.js';
import { type LocalRedis, startLocalRedis } from './local-redis.js';
import { startService } from './service.js';

/**
 * `mixkeeper dev` (what `npm start` runs): everything on this machine. A private Redis with AOF
 * under `.data/` unless REDIS_URL is set, the platform simulator with its callbacks wired to the
 * API, the API and the workers in one process, and a short demo scenario.
 */

const USAGE = `usage: mixkeeper dev [--no-demo] [--scenario <name|file.json>] [--time-scale <x>] [--data-dir <dir>]

  --no-demo      do not play the demo scenario
  --data-dir     where the private Redis keeps its AOF (default .data)
  --scenario     the scenario to play (default co-host-join-leave)
  --time-scale   simulator time scale (default 1: real platform timing)

environment: PORT (8080), SIM_PORT (9090), REDIS_URL (unset: a private redis-server under .data/),
and the service's variables (src/config.ts). Keys and the admin token are generated when unset.`;

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

  const secret = () => randomBytes(16).toString('hex');
  const env = { ...process.env };
  env.TENCENT_APPID ??= '1252500000';
  env.TENCENT_CALLBACK_KEY ??= secret();
  env.TENCENT_MIX_KEY ??= secret();
  // Cloud API 3.0 key pair: TENCENT_MIX_BACKEND=api3 drives the simulator's API 3.0, and the
  // resync reads its online list either way.
  env.TENCENT_SECRET_ID ??= `AKID${secret()}`;
  env.TENCENT_SECRET_KEY ??= secret();
  env.ADMIN_TOKEN ??= secret();

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

  const redisDir = join(values['data-dir'] ?? '.data', 'redis');
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

  const simPort = Number(env.SIM_PORT ?? 9090);
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator({
      port: simPort,
      appId: Number(env.TENCENT_APPID),
      callbackKey: env.TENCENT_CALLBACK_KEY,
      mixKey: env.TENCENT_MIX_KEY,
      secretId: env.TENCENT_SECRET_ID,
      secretKey: env.TENCENT_SECRET_KEY,
      timeScale,
    });
  } catch (error) {
    return fail(`the simulator cannot start on port ${simPort} (SIM_PORT): ${(error as Error).message}`, 1);
  }
  started.push(() => sim.close());
  env.TENCENT_MIX_URL = sim.mixUrl;
  env.TENCENT_API_URL = sim.apiUrl;
  // The service's timing rules follow the simulator's clock.
  for (const [name, ms] of [
    ['MIX_READY_DELAY_MS', 5000],
    ['MIX_CANCEL_MIN_AGE_MS', 5000],
    ['MIX_SESSION_REUSE_MS', 30_000],
    ['MIX_MIN_START_INTERVAL_MS', 1000],
    ['MIX_LEAVE_GRACE_MS', 3000],
    ['MIX_DEBOUNCE_MS', 300],
    ['MIX_RETRY_BASE_MS', 2000],
  ] as const) {
    env[name] ??= String(Math.ceil(ms * timeScale));
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
  sim.setCallbackUrl(`${service.url}/callbacks/tencent`);

  console.log(`
mixkeeper is running
  api        ${service.url}   (admin token: ${config.ADMIN_TOKEN})
  pages      ${service.url}/ui   (log in with the admin token)
  room       ${service.url}/v1/rooms/<room>   and …/layout.svg
  metrics    ${service.url}/metrics
  simulator  ${sim.url}/sim/sessions   ${sim.url}/sim/violations
  redis      ${config.REDIS_URL}${redis ? `   (private, data in ${redisDir})` : ''}
`);

  const demo = new AbortController();
  if (!values['no-demo']) {
    const scenario = await loadScenario(values.scenario ?? 'co-host-join-leave');
    console.log(`playing scenario ${values.scenario ?? 'co-host-join-leave'}; --no-demo skips it`);
    void playScenario(sim, scenario, {
      signal: demo.signal,
      onStep: (step) => console.log(`  scenario: ${describeStep(step)}`),
    });
  }

  let closing = false;
  const stop = async () => {
    if (closing) return;
    closing = true;
    demo.abort();
    setTimeout(() => process.exit(1), 15_000).unref();
    await service.close(5000);
    await sim.close();
    await redis?.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return new Promise<number>(() => {});
}
