import { z } from 'zod';

/**
 * The environment, validated once at start-up. Every variable, its default and its meaning is
 * written here and nowhere else; README.md links to this file.
 */

const port = z.coerce.number().int().min(1).max(65535);
const ms = z.coerce.number().int().min(0);
const secret = z.string().min(1).optional();

export const configSchema = z.object({
  /** HTTP port of the API (callbacks, rooms API, pages, dashboard, metrics). */
  PORT: port.default(8080),
  /** Redis (standalone primary). `mixkeeper dev` spawns a private one when this is unset. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),

  /** Tencent account APPID, sent as `appid` / `app_id` to Mix_StreamV2. */
  TENCENT_APPID: z.coerce.number().int().positive().optional(),
  /** CallbackKey of the callback template: push/disconnect callbacks are signed md5(key + t). */
  TENCENT_CALLBACK_KEY: secret,
  /** Which mix API to drive: `legacy` (Mix_StreamV2 CGI) or `api3` (CreateCommonMixStream). */
  TENCENT_MIX_BACKEND: z.enum(['legacy', 'api3']).default('legacy'),
  /** Mix_StreamV2 endpoint (HTTP only, as Tencent serves it). */
  TENCENT_MIX_URL: z.url().default('http://fcgi.video.qcloud.com/common_access'),
  /** The push domain's API auth key, signs Mix_StreamV2 requests md5(key + t). */
  TENCENT_MIX_KEY: secret,
  /** Cloud API 3.0 credentials (TC3-HMAC-SHA256), for the api3 backend. */
  TENCENT_SECRET_ID: secret,
  TENCENT_SECRET_KEY: secret,
  /** Cloud API 3.0 endpoint. */
  TENCENT_API_URL: z.url().default('https://live.tencentcloudapi.com'),

  /** Bearer token for the rooms API, pages and dashboard. Unset: those surfaces answer 401. */
  ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),

  /** Earliest mix start after an input's push (Tencent: wait ~5 s or get -505/-10031). */
  MIX_READY_DELAY_MS: ms.default(5000),
  /** Earliest cancel after a start (Tencent: at least 5 s). */
  MIX_CANCEL_MIN_AGE_MS: ms.default(5000),
  /** A cancelled session id may not be reused for this long (Tencent: half a minute). */
  MIX_SESSION_REUSE_MS: ms.default(30000),
  /** Callbacks for one room within this window are coalesced into one reconcile. */
  MIX_DEBOUNCE_MS: ms.default(300),
  /** Base of the exponential, fully jittered retry backoff for transient mix errors. */
  MIX_RETRY_BASE_MS: ms.default(2000),
  /** Attempts per reconcile before the room is marked failed. */
  MIX_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
  /** Timeout of one mix API request; a timeout is an unknown outcome and is reconciled again. */
  MIX_REQUEST_TIMEOUT_MS: ms.min(1).default(5000),
  /** A disconnected guest keeps its tile this long, so a quick re-push causes no re-layout. */
  MIX_LEAVE_GRACE_MS: ms.default(3000),

  /** Events (callbacks) processed in parallel per worker process. */
  EVENTS_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /** Rooms reconciled in parallel per worker process (mostly waiting on the mix API). */
  RECONCILE_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** Starts for one room are at least this far apart: Tencent asks not to call the mix API too often. */
  MIX_MIN_START_INTERVAL_MS: ms.default(1000),

  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

/** Thrown with one line per bad variable: `NAME: what it accepts (got "value")`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const SECRET_NAMES = new Set([
  'TENCENT_CALLBACK_KEY',
  'TENCENT_MIX_KEY',
  'TENCENT_SECRET_KEY',
  'ADMIN_TOKEN',
]);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const got = SECRET_NAMES.has(name) ? '' : ` (got ${JSON.stringify(present[name])})`;
    return `${name}: ${issue.message}${got}`;
  });
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}

/** The configuration with every secret replaced by whether it is set, safe to log or show. */
export function describeConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(configSchema.shape).map((name) => {
      const value = config[name as keyof Config];
      return [name, SECRET_NAMES.has(name) || name === 'TENCENT_SECRET_ID' ? value !== undefined : value];
    }),
  );
}
