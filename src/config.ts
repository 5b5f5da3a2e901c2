import { z } from 'zod';
import { ONLINE_LIST_PAGE_SIZE } from './tencent/api3/online-list.js';
import { parsePushOriginKey } from './tencent/push-origin.js';

/**
 * The environment, validated once at start-up. Every variable, its default and its meaning is
 * written here and nowhere else; README.md links to this file.
 */

const port = z.coerce.number().int().min(1).max(65535);
const ms = z.coerce.number().int().min(0);
const secret = z.string().min(1).optional();
const clusterNodes = z
  .string()
  .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'comma-separated host:port list')
  .transform((list) =>
    list.split(',').map((node) => {
      const [host = '', port = ''] = node.split(':');
      return { host, port: Number(port) };
    }),
  )
  .pipe(z.array(z.object({ host: z.string(), port: z.number().int().min(1).max(65535) })));

/**
 * `domain[/appname],…` → push origins, AppName `live` when omitted; each entry held to the rule
 * callbacks' origins are (src/tencent/push-origin.ts).
 */
const pushOrigins = z.string().transform((list, ctx) =>
  list.split(',').flatMap((raw) => {
    const entry = raw.trim();
    const origin = parsePushOriginKey(entry.includes('/') ? entry : `${entry}/live`);
    if (origin) return [origin];
    ctx.addIssue({
      code: 'custom',
      message: `domain[/appname],… (e.g. push.example.com,push.example.com/studio): ${JSON.stringify(entry)} is not one`,
    });
    return [];
  }),
);

export const configSchema = z.object({
  /** HTTP port of the API (callbacks, rooms API, pages, dashboard, metrics). */
  PORT: port.default(8080),
  /** When set, the operator surfaces (rooms API, /ui, /docs, /openapi.json, /admin/queues) are served on
   *  this port only, and PORT keeps callbacks, health and metrics. Unset: everything on PORT. */
  ADMIN_PORT: port.optional(),
  /** Redis (standalone primary). `mixkeeper dev` spawns a private one when this is unset. */
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /**
   * Redis Cluster seed nodes, `host:port,host:port,…` (a few masters are enough; the rest are
   * discovered). Set: every connection is an ioredis Cluster and REDIS_URL is not used.
   */
  REDIS_CLUSTER_NODES: clusterNodes.optional(),
  /** AUTH password of the Cluster's nodes (their `requirepass`); unset: none. */
  REDIS_CLUSTER_PASSWORD: secret,

  /** Tencent account APPID, sent as `appid` / `app_id` to Mix_StreamV2. */
  TENCENT_APPID: z.coerce.number().int().positive().optional(),
  /** CallbackKey of the callback template: push/disconnect callbacks are signed md5(key + t). */
  TENCENT_CALLBACK_KEY: secret,
  /**
   * The callback key being rotated out: callbacks signed with it are still accepted, so a key
   * rotation has no window of 401s (docs/OPERATIONS.md, "Key rotation"). Unset once the rotation ends.
   */
  TENCENT_CALLBACK_KEY_PREVIOUS: secret,
  /**
   * Which mix API to drive: `legacy` (Mix_StreamV2 CGI) or `api3` (CreateCommonMixStream). Plans
   * and room configs are held to its limits (api3: pixel values ≤ 2000, bitrate ≤ 10000 kbps;
   * legacy: 3000, 50000), and the dry run shows its request body.
   */
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
  /**
   * The push origins the online list (DescribeLiveStreamOnlineList, with the API 3.0 credentials) is
   * read for, `domain[/appname],…`, AppName `live` when omitted: e.g.
   * `push.example.com,push.example.com/studio`. Read every resync, one call each, without waiting
   * for a callback. Origins named by push callbacks are asked about too, until 24 h pass without a
   * push or a listed stream under them (src/rooms/push-origins.ts).
   */
  TENCENT_PUSH_DOMAINS: pushOrigins.optional(),
  /**
   * PageSize of those DescribeLiveStreamOnlineList calls, within the doc's [10, 300000]. The
   * default reads an origin in one call; a smaller size reads it in pages.
   */
  TENCENT_ONLINE_LIST_PAGE_SIZE: z.coerce
    .number()
    .int()
    .min(ONLINE_LIST_PAGE_SIZE.min)
    .max(ONLINE_LIST_PAGE_SIZE.max)
    .default(ONLINE_LIST_PAGE_SIZE.max),

  /** Bearer token for the rooms API, pages and dashboard. Unset: those surfaces answer 401. */
  ADMIN_TOKEN: z.string().min(16, 'at least 16 characters').optional(),

  /** Earliest mix start after an input's push (Tencent: wait ~5 s or get -505/-10031). */
  MIX_READY_DELAY_MS: ms.default(5000),
  /** Earliest cancel after the last accepted start, create or update (Tencent: at least 5 s). */
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

  /**
   * After SIGTERM: in-flight requests and jobs get this long, then active jobs are put back in the
   * queue (another worker runs them a second later). Orchestrators must wait longer (Kubernetes
   * terminationGracePeriodSeconds).
   */
  SHUTDOWN_DEADLINE_MS: ms.default(10_000),

  /** How often the resync checks every room against its desired mix (a BullMQ job scheduler). */
  RESYNC_INTERVAL_MS: ms.min(100).default(60_000),
  /** A resync's reconcile of each room waits a random 0..this, so a resync never hits the mix API as one burst. */
  RESYNC_JITTER_MS: ms.default(5000),
  /** A room marked failed is tried again this long after its last error, without waiting for a callback. */
  RESYNC_FAILED_RETRY_MS: ms.default(5 * 60_000),
  /**
   * A stream "live" this long without a confirming callback (or the online list showing it) is
   * treated as gone: its disconnect was lost. 0 = never. Used when no online list can be asked, and
   * for the streams of a push origin whose online list could not be read.
   */
  STREAM_SILENCE_MS: ms.default(6 * 3600_000),
  /** With the online list: an unlisted stream counts as gone only if pushed this long before the list was read (the list lags). */
  LIVE_TRUTH_GRACE_MS: ms.default(60_000),
  /**
   * Lock on a running job, renewed every half of it for as long as the job runs: it lapses only when
   * its process died or froze, and the job then runs again within this plus WORKER_STALLED_CHECK_MS.
   */
  WORKER_LOCK_MS: ms.min(1000).default(5000),
  /** How often workers look for jobs whose lock lapsed (BullMQ's stalled check); a starting worker looks at once. */
  WORKER_STALLED_CHECK_MS: ms.min(100).default(1000),
  /**
   * The receiver stores callbacks in groups (src/queue/callback-batcher.ts): the first one waits
   * this long for others before their jobs are written in one pipeline, and while a group is being
   * written the next gathers. 0 = no wait beyond the I/O already pending. Each is answered once
   * its job is in Redis, so this adds at most this much to a callback's answer.
   */
  CALLBACK_BATCH_WINDOW_MS: ms.max(50).default(0),
  /**
   * Lease on a room during one reconcile, longer than MIX_REQUEST_TIMEOUT_MS: a job released at
   * shutdown mid-request runs again only once its request can no longer be in flight.
   * Unset: 2 × MIX_REQUEST_TIMEOUT_MS + 10 s.
   */
  RECONCILE_LEASE_MS: ms.min(1).optional(),

  /**
   * Callbacks with a wrong sign a client address may send per CALLBACK_BAD_SIGN_WINDOW_MS before
   * being answered 429 (valid callbacks never count and are always taken). 0 = no limit.
   */
  CALLBACK_BAD_SIGN_LIMIT: z.coerce.number().int().min(0).default(30),
  CALLBACK_BAD_SIGN_WINDOW_MS: ms.min(1000).default(60_000),
  /**
   * Header a trusted proxy in front sets to the client's address (`x-forwarded-for`: its last entry
   * is used; `x-real-ip`). Unset: the socket's peer. Only set it when such a proxy is always there.
   */
  CALLBACK_CLIENT_IP_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'a header name')
    .transform((name) => name.toLowerCase())
    .optional(),

  /** Audit entries kept per room (callbacks, decisions, requests, answers); the oldest go first.
   *  Each costs about 100 bytes of Redis memory per room. */
  MIX_AUDIT_LIMIT: z.coerce.number().int().min(1).max(1000).default(12),

  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Rules between variables; kept apart from `configSchema` so its shape stays pickable. */
const checkedConfigSchema = configSchema.superRefine((config, ctx) => {
  if (config.RECONCILE_LEASE_MS !== undefined && config.RECONCILE_LEASE_MS <= config.MIX_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['RECONCILE_LEASE_MS'],
      message: `must be longer than MIX_REQUEST_TIMEOUT_MS (${config.MIX_REQUEST_TIMEOUT_MS})`,
    });
  }
  if (config.ADMIN_PORT !== undefined && config.ADMIN_PORT === config.PORT) {
    ctx.addIssue({
      code: 'custom',
      path: ['ADMIN_PORT'],
      message: 'must differ from PORT (unset it to share PORT)',
    });
  }
});

/** Defaults that follow other variables, computed here once (each is documented above). */
const loadedConfigSchema = checkedConfigSchema.transform((config) => ({
  ...config,
  RECONCILE_LEASE_MS: config.RECONCILE_LEASE_MS ?? config.MIX_REQUEST_TIMEOUT_MS * 2 + 10_000,
}));

/** The configuration as loaded: every default applied, computed ones included. */
export type Config = z.output<typeof loadedConfigSchema>;

/** The receiver's wrong-sign budget: the part of the config the HTTP app needs, defaults included. */
export const callbackGuardSchema = configSchema.pick({
  CALLBACK_BAD_SIGN_LIMIT: true,
  CALLBACK_BAD_SIGN_WINDOW_MS: true,
  CALLBACK_CLIENT_IP_HEADER: true,
});
export type CallbackGuard = z.infer<typeof callbackGuardSchema>;

/** A close still running this long past SHUTDOWN_DEADLINE_MS ends the process: orchestrators must wait longer. */
export const SHUTDOWN_BACKSTOP_MS = 5000;

/** Thrown with one line per bad variable: `NAME: what it accepts (got "value")`. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const SECRET_NAMES = new Set([
  'TENCENT_CALLBACK_KEY',
  'TENCENT_CALLBACK_KEY_PREVIOUS',
  'TENCENT_MIX_KEY',
  'TENCENT_SECRET_KEY',
  'ADMIN_TOKEN',
  'REDIS_CLUSTER_PASSWORD',
]);

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = loadedConfigSchema.safeParse(present);
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
