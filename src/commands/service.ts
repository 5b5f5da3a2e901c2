import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type RunningWorkers, startWorkers, type WorkersOptions } from '../../workers/start-workers.js';
import { type Config, ConfigError } from '../config.js';
import { type AdminDeps, createStandaloneAdminApp } from '../http/admin-app.js';
import { createApp } from '../http/app.js';
import { createOpsApp } from '../http/ops-app.js';
import type { LayoutTemplate } from '../layout/layout-template.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createBackend } from '../mix/create-backend.js';
import type { MixBackend } from '../mix/mix-backend.js';
import type { OnlineList } from '../mix/online-list.js';
import { openQueue } from '../queue/bullmq.js';
import { jobCatalog } from '../queue/catalog.js';
import {
  producerConnection,
  type RedisClient,
  redisTarget,
  waitUntilConnected,
  workerConnection,
} from '../queue/connections.js';
import { timingFrom } from '../reconcile/decide.js';
import { loadLayoutsFile } from '../rooms/layouts-file.js';
import { RoomStore } from '../rooms/room-store.js';
import { LIMITS } from '../tencent/limits.js';
import { webhookSettingsFrom } from '../webhooks/settings.js';
import { checkRedis } from './redis-checks.js';
import { createLifecycle, type Role } from './shutdown.js';

/**
 * Wires one mixkeeper process from its configuration: the API, the workers, or both. Used by the
 * `api`, `worker`, `all` and `dev` commands and by the end-to-end tests.
 *
 * Its parts start in this order and stop in the reverse one (src/commands/shutdown.ts): the
 * workers' Redis connection; the API's connection and queues; the workers; the HTTP servers. So a
 * stop turns readiness off and closes the servers, lets running jobs finish within the deadline
 * (then puts them back in the queue), closes the queues, and quits Redis last.
 */

export interface ServiceOptions {
  config: Config;
  roles: { api: boolean; workers: boolean };
  log: Logger;
  /** Key namespace: `mk` in production; tests isolate themselves with their own. */
  namespace?: string;
  /** Overrides PORT (0 = any free port). */
  port?: number;
  /** Replaces the backend built from the config (tests). */
  backend?: MixBackend;
  /** Overrides ADMIN_PORT (0 = any free port): the operator surface gets a server of its own. */
  adminPort?: number;
  /**
   * Without the API: serve /healthz, /readyz and /metrics on the port anyway, for probes and
   * scraping (the `worker` command). Off for embedders, which would otherwise all want PORT.
   */
  opsServer?: boolean;
  /** The platform's online list, for the resync's repair of lost disconnects. */
  onlineList?: OnlineList;
  now?: () => number;
}

export interface Service {
  /** The base URL of this process's HTTP server: the API, or a worker's ops server (`opsServer`). */
  url: string | undefined;
  /** The operator surface's own base URL, when ADMIN_PORT separates it (else it is under `url`). */
  adminUrl: string | undefined;
  metrics: Metrics;
  store: RoomStore;
  /** Graceful stop: readiness off, in-flight requests and jobs finish within `deadlineMs`. */
  close(deadlineMs?: number): Promise<void>;
}

/** LAYOUTS_FILE's templates, checked against the mix API in use; a bad file stops the start. */
function readLayoutsFile(config: Config): Map<string, LayoutTemplate> {
  if (!config.LAYOUTS_FILE) return new Map();
  try {
    return loadLayoutsFile(config.LAYOUTS_FILE, LIMITS[config.TENCENT_MIX_BACKEND]);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
}

/** How long a start that failed halfway gives what it started to stop. */
const FAILED_START_STOP_MS = 2000;

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, log, roles } = options;
  const namespace = options.namespace ?? 'mk';
  const prefix = `{${namespace}}`;
  if (roles.api && !config.TENCENT_CALLBACK_KEY) {
    throw new ConfigError(
      'TENCENT_CALLBACK_KEY: required to verify callbacks (the callback template’s CallbackKey)',
    );
  }
  const fileLayouts = readLayoutsFile(config);
  const backend = roles.workers ? (options.backend ?? createBackend(config)) : undefined;
  const metrics = createMetrics();
  const now = options.now ? { now: options.now } : {};
  const lifecycle = createLifecycle(log);
  let accepting = true;
  const isAccepting = () => accepting;

  try {
    // Workers wait through Redis outages; the API's producer fails fast so callbacks get a 503.
    // REDIS_CLUSTER_NODES makes both connections ioredis Clusters (every key is hash-tagged).
    const target = redisTarget(config);
    const workerRedis = await lifecycle.start(
      redisRole(
        'workers',
        () => workerConnection(target),
        log,
        (redis) => checkRedis(redis, log),
      ),
    );
    const store = new RoomStore(workerRedis, {
      namespace,
      auditCap: config.MIX_AUDIT_LIMIT,
      maxStreams: config.ROOM_MAX_STREAMS,
      maxRooms: config.ROOMS_MAX,
      fileLayouts,
    });
    const producer = roles.api
      ? await lifecycle.start(redisRole('producer', () => producerConnection(target), log))
      : undefined;
    const queues = producer ? await lifecycle.start(queuesRole(producer, prefix, log)) : undefined;
    if (roles.workers && backend) {
      await lifecycle.start(
        workersRole({
          config,
          connection: workerRedis,
          prefix,
          store,
          backend,
          log,
          metrics,
          ...now,
          ...(options.onlineList ? { onlineList: options.onlineList } : {}),
        }),
      );
    }

    const servers: Listener[] = [];
    if (producer && queues) {
      const admin: AdminDeps = {
        adminToken: config.ADMIN_TOKEN,
        store: new RoomStore(producer, { namespace, auditCap: config.MIX_AUDIT_LIMIT, fileLayouts }),
        reconcileQueue: queues.reconcile,
        queues: queues.all,
        log,
        leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
        reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
        debounceMs: config.MIX_DEBOUNCE_MS,
        timing: timingFrom(config),
        appId: config.TENCENT_APPID ?? 0,
        mixBackend: config.TENCENT_MIX_BACKEND,
        livePollMs: 500,
        isAccepting,
        guard: config,
        webhooks: { settings: webhookSettingsFrom(config) },
        ...now,
      };
      const adminPort = options.adminPort ?? config.ADMIN_PORT;
      const app = createApp({
        callbackKey: config.TENCENT_CALLBACK_KEY!,
        previousCallbackKey: config.TENCENT_CALLBACK_KEY_PREVIOUS,
        redis: producer,
        eventsQueue: queues.liveEvents,
        callbackBatchWindowMs: config.CALLBACK_BATCH_WINDOW_MS,
        // /metrics shows every queue's depth, the webhook deliveries' too.
        queues: queues.all,
        metrics,
        log,
        isAccepting,
        callbackGuard: config,
        callbackPolicy: config,
        ...now,
        ...(adminPort === undefined ? { admin } : {}),
      });
      servers.push({ name: 'api', app, port: options.port ?? config.PORT });
      if (adminPort !== undefined)
        servers.push({ name: 'operator surface', app: createStandaloneAdminApp(admin), port: adminPort });
    } else if (options.opsServer) {
      const app = createOpsApp({ redis: workerRedis, metrics, queues: [], isAccepting });
      servers.push({ name: 'probes and metrics', app, port: options.port ?? config.PORT });
    }
    const [url, adminUrl] = await lifecycle.start(
      serversRole(servers, httpLimitsFrom(config), log, () => {
        accepting = false;
      }),
    );

    return { url, adminUrl, metrics, store, close: (deadlineMs = 10_000) => lifecycle.stop(deadlineMs) };
  } catch (error) {
    await lifecycle.stop(FAILED_START_STOP_MS).catch(() => {});
    throw error;
  }
}

/** A Redis connection: connected (and checked) at start, quit at stop. */
function redisRole(
  name: string,
  connect: () => RedisClient,
  log: Logger,
  check?: (redis: RedisClient) => Promise<void>,
): Role<RedisClient> {
  let redis: RedisClient | undefined;
  return {
    name: `redis (${name})`,
    async start() {
      redis = connect();
      redis.on('error', (error) => log.debug({ err: error.message }, `redis (${name})`));
      await waitUntilConnected(redis);
      await check?.(redis);
      return redis;
    },
    async stop() {
      await redis?.quit().catch(() => {});
    },
  };
}

/** The API's handle on every queue: it adds callbacks and reconcile requests, and shows them all. */
function queuesRole(connection: RedisClient, prefix: string, log: Logger) {
  const where = { connection, prefix };
  const liveEvents = openQueue(jobCatalog.liveEvents, where);
  const reconcile = openQueue(jobCatalog.reconcile, where);
  const all = [
    liveEvents,
    reconcile,
    openQueue(jobCatalog.resync, where),
    openQueue(jobCatalog.webhookDeliveries, where),
  ];
  const role: Role<{ liveEvents: typeof liveEvents; reconcile: typeof reconcile; all: typeof all }> = {
    name: 'queues',
    async start() {
      for (const queue of all)
        queue.on('error', (error) => log.debug({ err: error.message, queue: queue.name }, 'queue error'));
      return { liveEvents, reconcile, all };
    },
    async stop() {
      for (const queue of [...all].reverse()) await queue.close().catch(() => {});
    },
  };
  return role;
}

/** The workers: running jobs get until the deadline, then go back to the queue. */
function workersRole(options: WorkersOptions): Role<void> {
  let workers: RunningWorkers | undefined;
  return {
    name: 'workers',
    async start() {
      workers = await startWorkers(options);
    },
    async stop(deadline) {
      await workers?.close(Math.max(0, deadline - Date.now()));
    },
  };
}

interface Listener {
  name: string;
  app: { fetch: (request: Request) => Response | Promise<Response> };
  port: number;
}

/** How every HTTP server of the process listens, and what it tolerates from a client. */
export interface HttpLimits {
  host: string;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export function httpLimitsFrom(config: Config): HttpLimits {
  return {
    host: config.HOST,
    headersTimeoutMs: config.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    maxConnections: config.HTTP_MAX_CONNECTIONS,
  };
}

/** The HTTP servers, on HOST; their URLs in order. Stopping turns readiness off first. */
function serversRole(
  listeners: Listener[],
  limits: HttpLimits,
  log: Logger,
  stopAccepting: () => void,
): Role<(string | undefined)[]> {
  const closers: (() => Promise<void>)[] = [];
  return {
    name: 'http',
    async start() {
      const urls: string[] = [];
      for (const listener of listeners) {
        const { url, close } = await listen(listener.app, listener.port, limits);
        closers.push(close);
        log.info({ url }, `${listener.name} listening`);
        urls.push(url);
      }
      return urls;
    },
    async stop() {
      stopAccepting();
      await Promise.all(closers.map((close) => close()));
    },
  };
}

/**
 * Serves `app`; `close` stops taking connections and waits for the requests being handled.
 * Node checks the request and headers timeouts only every `connectionsCheckingInterval` (30 s by
 * default): checked every second, a client trickling a body is cut within a second of its limit.
 */
async function listen(app: Listener['app'], port: number, limits: HttpLimits) {
  const server = await new Promise<Server>((resolve, reject) => {
    const serverOptions = {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    };
    const options = { fetch: app.fetch, port, hostname: limits.host, serverOptions };
    const s = serve(options, () => resolve(s as Server));
    (s as Server).maxConnections = limits.maxConnections;
    // e.g. EADDRINUSE: fail start-up with the reason instead of hanging
    (s as Server).once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : error),
    );
  });
  const address = server.address() as AddressInfo;
  // The URL this process reaches itself by: the loopback unless HOST names one address.
  const wildcard = ['0.0.0.0', '::', '::0'].includes(limits.host);
  const host = wildcard ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Idle keep-alive sockets close at once; busy ones get until the deadline.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}
