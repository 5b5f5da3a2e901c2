import { Queue, Worker } from 'bullmq';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { MixBackend } from '../src/mix/mix-backend.js';
import { createOnlineList } from '../src/mix/online-list.js';
import type { RedisClient } from '../src/queue/connections.js';
import type { LiveEventJob, ReconcileJob } from '../src/queue/jobs.js';
import { QUEUES } from '../src/queue/names.js';
import { retryDelayMs } from '../src/reconcile/backoff.js';
import { timingFrom } from '../src/reconcile/decide.js';
import type { LiveTruth } from '../src/reconcile/live-truth.js';
import { PushOrigins } from '../src/rooms/push-origins.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { eventsProcessor } from './events.js';
import { reconcileProcessor } from './reconcile.js';
import { releaseOnCancel } from './release-on-cancel.js';
import { startResync } from './start-resync.js';

export interface WorkersOptions {
  config: Config;
  /** A worker connection (`maxRetriesPerRequest: null`); BullMQ duplicates it for blocking reads. */
  connection: RedisClient;
  prefix: string;
  store: RoomStore;
  backend: MixBackend;
  log: Logger;
  metrics?: Metrics;
  now?: () => number;
  /**
   * The platform's live list, for the resync; without one, streams expire after STREAM_SILENCE_MS.
   * Default: DescribeLiveStreamOnlineList when TENCENT_SECRET_ID/KEY are set (src/mix/online-list.ts).
   */
  liveTruth?: LiveTruth;
}

export interface RunningWorkers {
  reconcileQueue: Queue<ReconcileJob>;
  /** Stops taking jobs; waits up to `deadlineMs` for active ones, then puts them back in the queue. */
  close(deadlineMs: number): Promise<void>;
}

export async function startWorkers(options: WorkersOptions): Promise<RunningWorkers> {
  const { config, connection, prefix, log } = options;
  const now = options.now ?? Date.now;
  const reconcileQueue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection, prefix });
  reconcileQueue.on('error', (error) => log.error({ err: error }, 'reconcile queue error'));
  // Push domains and AppNames seen in callbacks: what the online list is asked about.
  const origins = new PushOrigins(connection, { namespace: options.store.namespace, now });
  const liveTruth =
    options.liveTruth ??
    createOnlineList(config, () => origins.list(), {
      onUnavailable: (reason) =>
        log.warn({ reason }, 'the platform’s online list cannot be read: the silence rule applies'),
    });

  // A job held by a process that died runs again about one lock duration later.
  const locks = { lockDuration: config.WORKER_LOCK_MS, stalledInterval: config.WORKER_LOCK_MS };
  const events = new Worker<LiveEventJob>(
    QUEUES.liveEvents,
    releaseOnCancel(
      eventsProcessor({
        store: options.store,
        reconcileQueue,
        now,
        debounceMs: config.MIX_DEBOUNCE_MS,
        reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
        ...(options.metrics ? { metrics: options.metrics } : {}),
        origins,
      }),
    ),
    // A stalled event runs again rather than fail: applying it twice is a no-op, losing it is not
    // (Tencent got its 200 and never resends; a lost push cannot be repaired).
    { connection, prefix, concurrency: config.EVENTS_CONCURRENCY, ...locks, maxStalledCount: 10 },
  );

  const reconcile = new Worker<ReconcileJob>(
    QUEUES.reconcile,
    releaseOnCancel(
      reconcileProcessor({
        store: options.store,
        backend: options.backend,
        now,
        timing: timingFrom(config),
        leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
        leaseMs: config.RECONCILE_LEASE_MS,
        debounceMs: config.MIX_DEBOUNCE_MS,
        ...(options.metrics ? { metrics: options.metrics } : {}),
      }),
    ),
    {
      connection,
      prefix,
      concurrency: config.RECONCILE_CONCURRENCY,
      ...locks,
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
    worker.on('stalled', (jobId) => log.warn({ worker: name, jobId }, 'job stalled'));
  }
  reconcile.on('completed', (job, summary) => log.debug({ room: job.data.roomId, summary }, 'reconciled'));

  await Promise.all([events.waitUntilReady(), reconcile.waitUntilReady(), reconcileQueue.waitUntilReady()]);
  const resync = await startResync({
    config,
    connection,
    prefix,
    store: options.store,
    reconcileQueue,
    liveTruth,
    log,
    metrics: options.metrics,
    now,
  });
  resync.worker.on('stalled', (jobId) => log.warn({ worker: 'resync', jobId }, 'job stalled'));
  log.info({ events: config.EVENTS_CONCURRENCY, reconcile: config.RECONCILE_CONCURRENCY }, 'workers running');

  return {
    reconcileQueue,
    async close(deadlineMs: number) {
      const workers = [events, reconcile, resync.worker];
      const graceful = Promise.all(workers.map((worker) => worker.close()));
      const within = (ms: number) =>
        Promise.race([
          graceful.then(() => true),
          new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
        ]);
      if (!(await within(deadlineMs))) {
        // Put them back in the queue now, rather than leave them locked until a stalled check.
        log.warn({ deadlineMs }, 'workers did not finish in time: releasing active jobs (they will re-run)');
        for (const worker of workers) worker.cancelAllJobs('shutdown');
        if (!(await within(2000))) {
          log.warn('releasing active jobs failed: abandoning them (they stall and re-run)');
          await Promise.all(workers.map((worker) => worker.close(true)));
        }
      }
      await resync.close();
      await reconcileQueue.close();
    },
  };
}
