import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { MixBackend } from '../src/mix/mix-backend.js';
import type { LiveEventJob, ReconcileJob } from '../src/queue/jobs.js';
import { QUEUES } from '../src/queue/names.js';
import { retryDelayMs } from '../src/reconcile/backoff.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { eventsProcessor } from './events.js';
import { reconcileProcessor } from './reconcile.js';

export interface WorkersOptions {
  config: Config;
  /** A worker connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. */
  connection: Redis;
  prefix: string;
  store: RoomStore;
  backend: MixBackend;
  log: Logger;
  metrics?: Metrics;
  now?: () => number;
}

export interface RunningWorkers {
  reconcileQueue: Queue<ReconcileJob>;
  /** Stops taking jobs; waits up to `deadlineMs` for active ones, then abandons them (they stall and re-run). */
  close(deadlineMs: number): Promise<void>;
}

export async function startWorkers(options: WorkersOptions): Promise<RunningWorkers> {
  const { config, connection, prefix, log } = options;
  const now = options.now ?? Date.now;
  const reconcileQueue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection, prefix });
  reconcileQueue.on('error', (error) => log.error({ err: error }, 'reconcile queue error'));

  const events = new Worker<LiveEventJob>(
    QUEUES.liveEvents,
    eventsProcessor({
      store: options.store,
      reconcileQueue,
      now,
      debounceMs: config.MIX_DEBOUNCE_MS,
      reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    }),
    { connection, prefix, concurrency: config.EVENTS_CONCURRENCY },
  );

  const reconcile = new Worker<ReconcileJob>(
    QUEUES.reconcile,
    reconcileProcessor({
      store: options.store,
      backend: options.backend,
      now,
      timing: {
        readyDelayMs: config.MIX_READY_DELAY_MS,
        cancelMinAgeMs: config.MIX_CANCEL_MIN_AGE_MS,
        sessionReuseMs: config.MIX_SESSION_REUSE_MS,
        minStartIntervalMs: config.MIX_MIN_START_INTERVAL_MS,
      },
      leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
      leaseMs: config.MIX_REQUEST_TIMEOUT_MS * 2 + 10_000,
      debounceMs: config.MIX_DEBOUNCE_MS,
      ...(options.metrics ? { metrics: options.metrics } : {}),
    }),
    {
      connection,
      prefix,
      concurrency: config.RECONCILE_CONCURRENCY,
      settings: {
        backoffStrategy: (attemptsMade) =>
          retryDelayMs(attemptsMade, {
            baseMs: config.MIX_RETRY_BASE_MS,
            capMs: config.MIX_RETRY_BASE_MS * 64,
          }),
      },
    },
  );

  for (const [name, worker] of [
    ['events', events],
    ['reconcile', reconcile],
  ] as const) {
    worker.on('error', (error) => log.error({ err: error, worker: name }, 'worker error'));
    worker.on('failed', (job, error) =>
      log.warn(
        { worker: name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message },
        'job failed',
      ),
    );
  }
  reconcile.on('completed', (job, summary) => log.debug({ room: job.data.roomId, summary }, 'reconciled'));

  await Promise.all([events.waitUntilReady(), reconcile.waitUntilReady(), reconcileQueue.waitUntilReady()]);
  log.info({ events: config.EVENTS_CONCURRENCY, reconcile: config.RECONCILE_CONCURRENCY }, 'workers running');

  return {
    reconcileQueue,
    async close(deadlineMs: number) {
      const graceful = Promise.all([events.close(), reconcile.close()]);
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs).unref()),
      ]);
      if (timedOut) {
        log.warn({ deadlineMs }, 'workers did not finish in time: abandoning active jobs (they will re-run)');
        await Promise.all([events.close(true), reconcile.close(true)]);
      }
      await reconcileQueue.close();
    },
  };
}
