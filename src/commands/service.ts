import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { type RunningWorkers, startWorkers } from '../../workers/start-workers.js';
import { type Config, ConfigError } from '../config.js';
import { createApp } from '../http/app.js';
import type { Logger } from '../log.js';
import { createMetrics, type Metrics } from '../metrics.js';
import { createBackend } from '../mix/create-backend.js';
import type { MixBackend } from '../mix/mix-backend.js';
import { producerConnection, waitUntilConnected, workerConnection } from '../queue/connections.js';
import type { LiveEventJob, ReconcileJob } from '../queue/jobs.js';
import { QUEUES } from '../queue/names.js';
import { RoomStore } from '../rooms/room-store.js';

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
  now?: () => number;
}

export interface Service {
  /** The API's base URL, when the API runs. */
  url: string | undefined;
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
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };

  try {
    // Workers wait through Redis outages; the API's producer fails fast so callbacks get a 503.
    const workerRedis = workerConnection(config.REDIS_URL);
    workerRedis.on('error', (error) => log.debug({ err: error.message }, 'redis (workers)'));
    closers.push(() => workerRedis.quit());
    await waitUntilConnected(workerRedis);
    const store = new RoomStore(workerRedis, { namespace });

    let workers: RunningWorkers | undefined;
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
      });
    }

    let url: string | undefined;
    let accepting = true;
    let closeServer: (() => Promise<void>) | undefined;
    if (roles.api) {
      const producerRedis = producerConnection(config.REDIS_URL);
      producerRedis.on('error', (error) => log.debug({ err: error.message }, 'redis (producer)'));
      closers.push(() => producerRedis.quit());
      await waitUntilConnected(producerRedis);
      const eventsQueue = new Queue<LiveEventJob>(QUEUES.liveEvents, { connection: producerRedis, prefix });
      const reconcileQueue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection: producerRedis, prefix });
      for (const queue of [eventsQueue, reconcileQueue]) {
        queue.on('error', (error) => log.debug({ err: error.message, queue: queue.name }, 'queue error'));
        closers.push(() => queue.close());
      }
      const app = createApp({
        callbackKey: config.TENCENT_CALLBACK_KEY!,
        adminToken: config.ADMIN_TOKEN,
        redis: producerRedis,
        eventsQueue,
        queues: [eventsQueue, reconcileQueue],
        store: new RoomStore(producerRedis, { namespace }),
        metrics,
        log,
        leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
        isAccepting: () => accepting,
        ...(options.now ? { now: options.now } : {}),
      });
      const server = await new Promise<Server>((resolve) => {
        const s = serve({ fetch: app.fetch, port: options.port ?? config.PORT, hostname: '0.0.0.0' }, () =>
          resolve(s as Server),
        );
      });
      const { port } = server.address() as AddressInfo;
      url = `http://127.0.0.1:${port}`;
      closeServer = () =>
        new Promise<void>((resolve) => {
          accepting = false;
          server.close(() => resolve());
          // Idle keep-alive sockets close at once; busy ones get until the deadline.
          setTimeout(() => server.closeAllConnections(), 2000).unref();
        });
      log.info({ url }, 'api listening');
    }

    return {
      url,
      metrics,
      store,
      async close(deadlineMs = 10_000) {
        if (closeServer) await closeServer();
        if (workers) await workers.close(deadlineMs);
        await closeAll();
      },
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
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
    setTimeout(() => process.exit(1), deadlineMs + 5000).unref();
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
