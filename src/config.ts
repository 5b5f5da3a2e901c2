import { z } from 'zod';
import { ONLINE_LIST_PAGE_SIZE } from './tencent/api3/online-list.js';
import { parsePushOriginKey } from './tencent/push-origin.js';
import { MIX_EVENT_TYPES } from './webhooks/event.js';

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

/** A Standard Webhooks secret: `whsec_` and base64 of 24 to 64 random bytes (`whsec_$(openssl rand -base64 32)`). */
const webhookSecret = z
  .string()
  .regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, 'whsec_ followed by base64')
  .refine((value) => {
    const bytes = Buffer.from(value.replace(/^whsec_/, ''), 'base64').length;
    return bytes >= 24 && bytes <= 64;
  }, 'the base64 must hold 24 to 64 bytes (whsec_$(openssl rand -base64 32))')
  .optional();
const webhookUrls = z
  .string()
  .transform((list) => list.split(',').map((url) => url.trim()))
  .pipe(z.array(z.url({ protocol: /^https?$/ })).max(20));
const webhookEvents = z
  .string()
  .transform((list) => list.split(',').map((type) => type.trim()))
  .pipe(z.array(z.enum(MIX_EVENT_TYPES)).min(1));
/** `a,b,c` → names, each held to `pattern`. */
const nameList = (pattern: RegExp, what: string) =>
  z.string().transform((list, ctx) =>
    list.split(',').flatMap((raw) => {
      const name = raw.trim();
      if (pattern.test(name)) return [name];
      ctx.addIssue({
        code: 'custom',
        message: `comma-separated ${what}: ${JSON.stringify(name)} is not one`,
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
  /**
   * Address the HTTP servers (PORT and ADMIN_PORT) bind to: `0.0.0.0` every IPv4 interface (what a
   * container needs), `127.0.0.1` this machine only, `::` every interface, IPv6 too.
   */
  HOST: z
    .string()
    .regex(/^[0-9A-Za-z.:-]{1,253}$/, 'an address or host name, e.g. 0.0.0.0, 127.0.0.1 or ::')
    .default('0.0.0.0'),
  /** A client must have sent a request's headers within this long, or its connection is closed (408). */
  HTTP_HEADERS_TIMEOUT_MS: ms.min(1000).max(120_000).default(10_000),
  /**
   * A client must have sent a whole request (headers and body) within this long, or its connection
   * is closed (408): a client trickling a body cannot hold a connection. Responses (the pages'
   * server-sent events) are not limited by it.
   */
  HTTP_REQUEST_TIMEOUT_MS: ms.min(1000).max(300_000).default(15_000),
  /** Open connections each HTTP server (PORT, ADMIN_PORT) accepts at once; beyond it new ones are dropped. */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(16).max(1_000_000).default(4096),
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
  ADMIN_TOKEN: z.string().min(32, 'at least 32 characters (e.g. openssl rand -hex 24)').optional(),
  /**
   * Failed logins and wrong bearer tokens a client address may send per ADMIN_AUTH_FAIL_WINDOW_MS;
   * past it every request from that address is answered 429 until the window ends. 0 = no limit.
   * The address is the socket's peer, or CALLBACK_CLIENT_IP_HEADER when set.
   */
  ADMIN_AUTH_FAIL_LIMIT: z.coerce.number().int().min(0).default(10),
  ADMIN_AUTH_FAIL_WINDOW_MS: ms.min(1000).default(60_000),
  /**
   * When the session cookie is `__Host-`-prefixed and `Secure`: `auto` when the request came over
   * HTTPS (its own scheme, or `X-Forwarded-Proto: https` from a TLS proxy in front); `always` for a
   * TLS proxy that does not set X-Forwarded-Proto (plain-HTTP logins then cannot keep a session).
   */
  ADMIN_SECURE_COOKIE: z.enum(['auto', 'always']).default('auto'),
  /**
   * Live page streams (server-sent events) open at once in this process; one more is answered 503.
   * Whatever their number, each view (the rooms list, one room) is read from Redis once per poll.
   */
  UI_LIVE_STREAMS_MAX: z.coerce.number().int().min(1).max(10_000).default(64),

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

  /**
   * The callback template's validity in seconds (Tencent's default: 10 minutes). A callback's `t` is
   * its expiry, so a `t` further ahead than this plus CALLBACK_CLOCK_SKEW_S is refused (401): no
   * signed callback stays usable for longer than the platform made it.
   */
  CALLBACK_VALIDITY_S: z.coerce.number().int().min(1).max(86_400).default(600),
  /**
   * Clock drift allowed between Tencent and us, in seconds, both ways: for an expired `t`, a `t` too
   * far ahead, and a callback's `event_time` (outside [now − validity − 2 × skew, now + skew] the
   * receive time is used instead, so a forged time cannot pin a stream's latest push).
   */
  CALLBACK_CLOCK_SKEW_S: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * A secret path segment: callbacks are then taken at `/callbacks/tencent/<token>` only (compared in
   * constant time) and `/callbacks/tencent` answers 401, so a callback key leaked through another
   * receiver of the template's events is not enough. Unset: `/callbacks/tencent`.
   */
  CALLBACK_PATH_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_-]{32,128}$/, '32-128 letters, digits, _ or -')
    .optional(),
  /**
   * Push domains whose callbacks are taken, `a.example.com,b.example.com` (case-insensitive); a
   * callback of another domain gets 200 and is dropped, counted as `not_allowed`. Unset: any.
   */
  CALLBACK_ALLOWED_DOMAINS: nameList(
    /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/,
    'push domains',
  ).optional(),
  /** AppNames (push paths) whose callbacks are taken, `live,studio`; others as above. Unset: any. */
  CALLBACK_ALLOWED_APPNAMES: nameList(/^[A-Za-z0-9_.-]{1,128}$/, 'AppNames').optional(),
  /** Only rooms whose id starts with this (`mix_room`) are taken; others as above. Unset: any. */
  ROOM_ID_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_]{1,63}$/, 'letters, digits or underscores')
    .optional(),
  /**
   * Before a stream is first mixed, ask the platform's online list (DescribeLiveStreamOnlineList,
   * filtered by StreamName) whether it is live: a forged push of a stream nobody pushes is then never
   * mixed, and its room says why. Needs TENCENT_SECRET_ID / TENCENT_SECRET_KEY. `true` / `false`.
   */
  VERIFY_NEW_STREAMS: z
    .enum(['true', 'false', '1', '0'])
    .transform((value) => value === 'true' || value === '1')
    .default(false),
  /**
   * With VERIFY_NEW_STREAMS: how long a new push may wait for the online list to show it (the list
   * may lag its push). Asked at once, then at growing gaps; still unlisted at the end: never mixed.
   * The online list unreadable throughout: mixed, marked unverified.
   */
  STREAM_VERIFY_WINDOW_MS: ms.min(1).default(15_000),
  /**
   * Streams one room keeps (live or leaving). A push of one more is refused (200 to the platform,
   * on the room's timeline, counted in mixkeeper_caps_refused_total). Only 16 can be mixed.
   */
  ROOM_MAX_STREAMS: z.coerce.number().int().min(1).max(10_000).default(64),
  /**
   * Rooms in total (the room index). A callback naming one more is refused as above; idle rooms are
   * forgotten after ROOM_IDLE_FORGET_MS (or deleted: DELETE /v1/rooms/<id>), ≈ 9 KB each.
   */
  ROOMS_MAX: z.coerce.number().int().min(1).max(10_000_000).default(10_000),
  /**
   * A room idle this long since its last activity, with no stream, no mix, no operator's config or
   * override and no webhook event waiting, is forgotten by the resync (its next push creates it
   * again). 0 = never.
   */
  ROOM_IDLE_FORGET_MS: ms.default(24 * 3600_000),
  /** Push origins (domain/AppName) learned from callbacks for the online list; more are not learned. */
  PUSH_ORIGINS_MAX: z.coerce.number().int().min(1).max(10_000).default(64),

  /** Audit entries kept per room (callbacks, decisions, requests, answers); the oldest go first.
   *  Each costs about 100 bytes of Redis memory per room. */
  MIX_AUDIT_LIMIT: z.coerce.number().int().min(1).max(1000).default(12),

  /**
   * Layout templates kept in git: a JSON or YAML (.yaml/.yml) file mapping names to templates,
   * read at start and checked like the API's (a bad one stops the start). Its templates win over
   * stored copies of the same name, and /v1/layouts says so. Unset: stored templates only.
   */
  LAYOUTS_FILE: z.string().min(1).optional(),

  // Webhooks: each WEBHOOK_* variable, its default and its meaning are in docs/OPERATIONS.md
  // ("Webhooks"), the one place they are documented.
  WEBHOOK_URLS: webhookUrls.optional(),
  WEBHOOK_EVENTS: webhookEvents.optional(),
  WEBHOOK_ROOM_PREFIX: z.string().min(1).max(64).optional(),
  WEBHOOK_SECRET: webhookSecret,
  WEBHOOK_SECRET_PREVIOUS: webhookSecret,
  WEBHOOK_TIMEOUT_MS: ms.min(100).default(10_000),
  WEBHOOK_RETRY_BASE_MS: ms.min(1).default(10_000),
  WEBHOOK_RETRY_CAP_MS: ms.min(1).default(2 * 3600_000),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(1000).default(24),
  WEBHOOK_PAUSE_AFTER_FAILURES: z.coerce.number().int().min(0).default(10),
  WEBHOOK_PAUSE_MS: ms.min(1).default(10 * 60_000),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),

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
  if (config.HTTP_HEADERS_TIMEOUT_MS > config.HTTP_REQUEST_TIMEOUT_MS) {
    ctx.addIssue({
      code: 'custom',
      path: ['HTTP_HEADERS_TIMEOUT_MS'],
      message: `must not exceed HTTP_REQUEST_TIMEOUT_MS (${config.HTTP_REQUEST_TIMEOUT_MS})`,
    });
  }
  if (config.WEBHOOK_URLS && !config.WEBHOOK_SECRET) {
    ctx.addIssue({ code: 'custom', path: ['WEBHOOK_SECRET'], message: 'required with WEBHOOK_URLS' });
  }
  // The mix key signs Mix_StreamV2 queries sent in the clear (plain HTTP): were it the callback key
  // too, anyone on that path could forge callbacks.
  const callbackKeys = [config.TENCENT_CALLBACK_KEY, config.TENCENT_CALLBACK_KEY_PREVIOUS];
  if (config.TENCENT_MIX_KEY !== undefined && callbackKeys.includes(config.TENCENT_MIX_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: ['TENCENT_MIX_KEY'],
      message:
        'must differ from TENCENT_CALLBACK_KEY (and TENCENT_CALLBACK_KEY_PREVIOUS): give the callback template a key of its own',
    });
  }
  if (config.VERIFY_NEW_STREAMS && (!config.TENCENT_SECRET_ID || !config.TENCENT_SECRET_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: ['VERIFY_NEW_STREAMS'],
      message: 'needs TENCENT_SECRET_ID and TENCENT_SECRET_KEY (the online list is a Cloud API 3.0 call)',
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

/** The operator surface's guards: the part of the config the admin app needs, defaults included. */
export const adminGuardSchema = configSchema.pick({
  ADMIN_AUTH_FAIL_LIMIT: true,
  ADMIN_AUTH_FAIL_WINDOW_MS: true,
  ADMIN_SECURE_COOKIE: true,
  UI_LIVE_STREAMS_MAX: true,
  CALLBACK_CLIENT_IP_HEADER: true,
});
export type AdminGuard = z.infer<typeof adminGuardSchema>;

/** What the receiver holds an authentic callback to (src/http/callback-policy.ts), defaults included. */
export const callbackPolicySchema = configSchema.pick({
  CALLBACK_VALIDITY_S: true,
  CALLBACK_CLOCK_SKEW_S: true,
  CALLBACK_PATH_TOKEN: true,
  CALLBACK_ALLOWED_DOMAINS: true,
  CALLBACK_ALLOWED_APPNAMES: true,
  ROOM_ID_PREFIX: true,
});
export type CallbackPolicy = z.infer<typeof callbackPolicySchema>;

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
  'WEBHOOK_SECRET',
  'WEBHOOK_SECRET_PREVIOUS',
  // May carry a token in their query.
  'WEBHOOK_URLS',
  'CALLBACK_PATH_TOKEN',
]);

/**
 * A value with the user info of any URL in it masked (`redis://:pw@host` → `redis://***@host`): a
 * URL may carry a password (REDIS_URL), and a config error or the described config must not show it.
 * Also when the URL is malformed: everything between the scheme and the last `@` goes.
 */
export function withoutUserInfo(value: string | undefined): string | undefined {
  if (value === undefined || !value.includes('@')) return value;
  return value.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?.*@/, '$1***@');
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = loadedConfigSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    const got = SECRET_NAMES.has(name) ? '' : ` (got ${JSON.stringify(withoutUserInfo(present[name]))})`;
    return `${name}: ${issue.message}${got}`;
  });
  throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
}

/** The configuration with every secret replaced by whether it is set, safe to log or show. */
export function describeConfig(config: Config): Record<string, unknown> {
  return Object.fromEntries(
    Object.keys(configSchema.shape).map((name) => {
      const value = config[name as keyof Config];
      if (SECRET_NAMES.has(name) || name === 'TENCENT_SECRET_ID') return [name, value !== undefined];
      return [name, typeof value === 'string' ? withoutUserInfo(value) : value];
    }),
  );
}
