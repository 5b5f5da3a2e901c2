import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { type RunningWorkers, startWorkers } from '../../workers/start-workers.js';
import { type Config, ConfigError, SHUTDOWN_BACKSTOP_MS } from '../config.js';
import { type AdminDeps, createStandaloneAdminApp } from '../http/admin-app.js';
import { createApp } from '../http/app.js';
import { createOpsApp } from '../http/ops-app.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createBackend } from '../mix/create-backend.js';
import type { MixBackend } from '../mix/mix-backend.js';
import {
  producerConnection,
  redisTarget,
  waitUntilConnected,
  workerConnection,
} from '../queue/connections.js';
import { type LiveEventJob, QUEUES, type ReconcileJob } from '../queue/catalog.js';
import { timingFrom } from '../reconcile/decide.js';
import type { LiveTruth } from '../reconcile/live-truth.js';
import { RoomStore } from '../rooms/room-store.js';
import { checkRedis } from './redis-checks.js';

/**
 * Wires one mixkeeper process from its configuration: the API, the workers, or both. Used by the
 * `api`, `worker`, `all` and `dev` commands and by the end-to-end tests.
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
  /** The platform's live list, for the resync's repair of lost disconnects. */
  liveTruth?: LiveTruth;
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

export async function startService(options: ServiceOptions): Promise<Service> {
  const { config, log, roles } = options;
  const namespace = options.namespace ?? 'mk';
  const prefix = `{${namespace}}`;
  if (roles.api && !config.TENCENT_CALLBACK_KEY) {
    throw new ConfigError(
      'TENCENT_CALLBACK_KEY: required to verify callbacks (the callback template’s CallbackKey)',
    );
  }
  const backend = roles.workers ? (options.backend ?? createBackend(config)) : undefined;
  const metrics = createMetrics();
  const closers: (() => Promise<unknown>)[] = [];
  let workers: RunningWorkers | undefined;
  let closeServer: (() => Promise<void>) | undefined;
  let closeAdminServer: (() => Promise<void>) | undefined;
  // Servers first (no new work), then the workers within the deadline, then the connections. A
  // start that fails halfway closes whatever it had started the same way.
  const closeAll = async (deadlineMs: number) => {
    await Promise.all([closeServer?.(), closeAdminServer?.()]);
    await workers?.close(deadlineMs);
    for (const close of [...closers].reverse()) await close().catch(() => {});
  };

  try {
    // Workers wait through Redis outages; the API's producer fails fast so callbacks get a 503.
    // REDIS_CLUSTER_NODES makes both connections ioredis Clusters (every key is hash-tagged).
    const target = redisTarget(config);
    const workerRedis = workerConnection(target);
    workerRedis.on('error', (error) => log.debug({ err: error.message }, 'redis (workers)'));
    closers.push(() => workerRedis.quit());
    await waitUntilConnected(workerRedis);
    await checkRedis(workerRedis, log);
    const store = new RoomStore(workerRedis, { namespace, auditCap: config.MIX_AUDIT_LIMIT });

    if (roles.workers && backend) {
      workers = await startWorkers({
        config,
        connection: workerRedis,
        prefix,
        store,
        backend,
        log,
        metrics,
        ...(options.now ? { now: options.now } : {}),
        ...(options.liveTruth ? { liveTruth: options.liveTruth } : {}),
      });
    }

    let url: string | undefined;
    let accepting = true;
    let adminUrl: string | undefined;
    if (roles.api) {
      const producerRedis = producerConnection(target);
      producerRedis.on('error', (error) => log.debug({ err: error.message }, 'redis (producer)'));
      closers.push(() => producerRedis.quit());
      await waitUntilConnected(producerRedis);
      const eventsQueue = new Queue<LiveEventJob>(QUEUES.liveEvents, { connection: producerRedis, prefix });
      const reconcileQueue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection: producerRedis, prefix });
      // The queue dashboard shows every queue; those the API does not produce to get a handle of their own.
      const dashboardQueues = Object.values(QUEUES).map(
        (name) =>
          [eventsQueue, reconcileQueue].find((queue) => queue.name === name) ??
          new Queue(name, { connection: producerRedis, prefix }),
      );
      for (const queue of dashboardQueues) {
        queue.on('error', (error) => log.debug({ err: error.message, queue: queue.name }, 'queue error'));
        closers.push(() => queue.close());
      }
      const apiStore = new RoomStore(producerRedis, { namespace, auditCap: config.MIX_AUDIT_LIMIT });
      const admin: AdminDeps = {
        adminToken: config.ADMIN_TOKEN,
        store: apiStore,
        reconcileQueue,
        queues: dashboardQueues,
        log,
        leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
        reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
        debounceMs: config.MIX_DEBOUNCE_MS,
        timing: timingFrom(config),
        appId: config.TENCENT_APPID ?? 0,
        livePollMs: 500,
        isAccepting: () => accepting,
        ...(options.now ? { now: options.now } : {}),
      };
      const adminPort = options.adminPort ?? config.ADMIN_PORT;
      const app = createApp({
        callbackKey: config.TENCENT_CALLBACK_KEY!,
        previousCallbackKey: config.TENCENT_CALLBACK_KEY_PREVIOUS,
        redis: producerRedis,
        eventsQueue,
        queues: [eventsQueue, reconcileQueue],
        metrics,
        log,
        isAccepting: () => accepting,
        callbackGuard: config,
        ...(options.now ? { now: options.now } : {}),
        ...(adminPort === undefined ? { admin } : {}),
      });
      ({ url, close: closeServer } = await listen(app, options.port ?? config.PORT, () => {
        accepting = false;
      }));
      log.info({ url }, 'api listening');
      if (adminPort !== undefined) {
        ({ url: adminUrl, close: closeAdminServer } = await listen(
          createStandaloneAdminApp(admin),
          adminPort,
          () => {
            accepting = false;
          },
        ));
        log.info({ url: adminUrl }, 'operator surface listening');
      }
    } else if (options.opsServer) {
      const app = createOpsApp({ redis: workerRedis, metrics, queues: [], isAccepting: () => accepting });
      ({ url, close: closeServer } = await listen(app, options.port ?? config.PORT, () => {
        accepting = false;
      }));
      log.info({ url }, 'probes and metrics listening');
    }

    return {
      url,
      adminUrl,
      metrics,
      store,
      close: (deadlineMs = 10_000) => closeAll(deadlineMs),
    };
  } catch (error) {
    await closeAll(2000);
    throw error;
  }
}

/** Serves `app` on all interfaces; `close` calls `onClose` (readiness off), then stops the server. */
async function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  port: number,
  onClose: () => void,
) {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: '0.0.0.0' }, () => resolve(s as Server));
    // e.g. EADDRINUSE: fail start-up with the reason instead of hanging
    (s as Server).once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use`) : error),
    );
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        onClose();
        server.close(() => resolve());
        // Idle keep-alive sockets close at once; busy ones get until the deadline.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  };
}

/** Runs a service until SIGTERM/SIGINT, then closes it gracefully within `deadlineMs`. */
export function closeOnSignals(
  service: { close(deadlineMs?: number): Promise<void> },
  log: Logger,
  deadlineMs = 10_000,
) {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    // Backstop: a hung close must not keep the process alive past the deadline.
    setTimeout(() => process.exit(1), deadlineMs + SHUTDOWN_BACKSTOP_MS).unref();
    service.close(deadlineMs).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
