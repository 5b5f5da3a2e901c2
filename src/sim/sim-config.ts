import { z } from 'zod';
import type { SimulatorOptions } from './simulator.js';

/**
 * The simulator's environment. Shared values use the service's own variable names
 * (TENCENT_APPID, TENCENT_CALLBACK_KEY, TENCENT_MIX_KEY) so `mixkeeper dev` wires both from one set.
 */
const simConfigSchema = z
  .object({
    /** HTTP port of the simulator; 0 = any free port. */
    SIM_PORT: z.coerce.number().int().min(0).max(65535).default(9090),
    /** Interface to listen on. */
    SIM_HOST: z.string().min(1).default('127.0.0.1'),
    /** Where push/disconnect callbacks are POSTed (mixkeeper's `/callbacks/tencent`). Unset: none sent. */
    SIM_CALLBACK_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Platform time → real time: 0.01 makes the 5 s readiness 50 ms. */
    SIM_TIME_SCALE: z.coerce.number().positive().max(1000).default(1),
    /** The simulated account's APPID. */
    TENCENT_APPID: z.coerce.number().int().positive(),
    /** Signs the callbacks md5(key + t). */
    TENCENT_CALLBACK_KEY: z.string().min(1),
    /** Verifies the Mix_StreamV2 query sign md5(key + t). */
    TENCENT_MIX_KEY: z.string().min(1),
    /** The Cloud API 3.0 key pair `POST /` verifies TC3 signatures with; unset: API 3.0 calls are refused. */
    TENCENT_SECRET_ID: z.string().min(1).optional(),
    TENCENT_SECRET_KEY: z.string().min(1).optional(),
  })
  // One without the other would look configured but refuse every API 3.0 call.
  .superRefine((env, ctx) => {
    const hasId = env.TENCENT_SECRET_ID !== undefined;
    if (hasId === (env.TENCENT_SECRET_KEY !== undefined)) return;
    const [missing, given] = hasId
      ? ['TENCENT_SECRET_KEY', 'TENCENT_SECRET_ID']
      : ['TENCENT_SECRET_ID', 'TENCENT_SECRET_KEY'];
    ctx.addIssue({
      code: 'custom',
      path: [missing],
      message: `required with ${given} (set both or neither)`,
    });
  });
export type SimConfig = z.infer<typeof simConfigSchema>;

const SECRETS = new Set(['TENCENT_CALLBACK_KEY', 'TENCENT_MIX_KEY', 'TENCENT_SECRET_KEY']);

export class SimConfigError extends Error {
  override readonly name = 'SimConfigError';
}

/**
 * Reads the environment; on failure throws one line naming each bad variable and what it takes,
 * with the value it got unless it is a secret.
 */
export function loadSimConfig(env: Record<string, string | undefined> = process.env): SimConfig {
  // An empty variable means "unset", as in `FOO= cmd`.
  const present = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  const parsed = simConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const value = present[name];
    const what = value === undefined && issue.code !== 'custom' ? 'required' : issue.message;
    const got = value === undefined || SECRETS.has(name) ? '' : ` (got ${JSON.stringify(value)})`;
    return `${name}: ${what}${got}`;
  });
  throw new SimConfigError(`invalid configuration: ${problems.join('; ')}`);
}

/** The simulator these settings describe: the options `mixkeeper sim` and `mixkeeper dev` start. */
export function simulatorOptions(config: SimConfig): SimulatorOptions {
  return {
    port: config.SIM_PORT,
    host: config.SIM_HOST,
    timeScale: config.SIM_TIME_SCALE,
    appId: config.TENCENT_APPID,
    callbackKey: config.TENCENT_CALLBACK_KEY,
    mixKey: config.TENCENT_MIX_KEY,
    ...(config.TENCENT_SECRET_ID && config.TENCENT_SECRET_KEY
      ? { secretId: config.TENCENT_SECRET_ID, secretKey: config.TENCENT_SECRET_KEY }
      : {}),
    ...(config.SIM_CALLBACK_URL ? { callbackUrl: config.SIM_CALLBACK_URL } : {}),
  };
}
