import { Queue, Worker } from 'bullmq';
import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { RedisClient } from '../src/queue/connections.js';
import type { ReconcileJob } from '../src/queue/jobs.js';
import { QUEUES } from '../src/queue/names.js';
import { type ResyncJob, resyncNow, scheduleResync } from '../src/queue/resync-schedule.js';
import type { LiveTruth } from '../src/reconcile/live-truth.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { LIMITS } from '../src/tencent/limits.js';
import { claimMarker, watchForRedisLoss } from './redis-loss-watch.js';
import { releaseOnCancel } from './release-on-cancel.js';
import { type ResyncReport, resyncProcessor } from './resync.js';

/**
 * The resync's part of a worker process: the scheduler (upserted here, at every start), the
 * worker that runs sweeps, a sweep at start-up, and the watch that rebuilds all of it when Redis
 * comes back empty.
 */

export interface ResyncOptions {
  config: Config;
  connection: RedisClient;
  prefix: string;
  store: RoomStore;
  reconcileQueue: Queue<ReconcileJob>;
  liveTruth?: LiveTruth | undefined;
  log: Logger;
  metrics?: Metrics | undefined;
  now: () => number;
}

export interface RunningResync {
  worker: Worker<ResyncJob, ResyncReport>;
  /** Stops the watch and the queue; the worker is closed with the others. */
  close(): Promise<void>;
}

export async function startResync(options: ResyncOptions): Promise<RunningResync> {
  const { config, connection, prefix, store, log, now } = options;
  const queue = new Queue<ResyncJob>(QUEUES.resync, { connection, prefix });
  queue.on('error', (error) => log.error({ err: error }, 'resync queue error'));
  await queue.waitUntilReady();

  const rebuild = async (reason: 'start-up' | 'redis-empty') => {
    if (reason === 'redis-empty') {
      const reindexed = await store.reindex(now());
      if (reindexed) log.warn({ reindexed }, 'rooms that survived were re-indexed');
    }
    await scheduleResync(queue, config.RESYNC_INTERVAL_MS);
    // One sweep at a time across all workers: a slow sweep must not overlap the next.
    await queue.setGlobalConcurrency(1);
    await resyncNow(queue, reason);
  };

  const markerKey = `${store.namespace}:marker`;
  if (await claimMarker(connection, markerKey, now())) {
    // A first start on this Redis, or one that lost its data: room keys that survived get indexed.
    const reindexed = await store.reindex(now());
    log.info({ reindexed }, 'no marker in Redis (first start, or its data was lost): rooms re-indexed');
  }
  await rebuild('start-up');

  const worker = new Worker<ResyncJob, ResyncReport>(
    QUEUES.resync,
    releaseOnCancel(
      resyncProcessor({
        store,
        reconcileQueue: options.reconcileQueue,
        liveTruth: options.liveTruth,
        policy: {
          leaveGraceMs: config.MIX_LEAVE_GRACE_MS,
          silenceMs: config.STREAM_SILENCE_MS,
          failedRetryMs: config.RESYNC_FAILED_RETRY_MS,
          truthGraceMs: config.LIVE_TRUTH_GRACE_MS,
          limits: LIMITS[config.TENCENT_MIX_BACKEND],
        },
        jitterMs: config.RESYNC_JITTER_MS,
        reconcileAttempts: config.MIX_RETRY_MAX_ATTEMPTS,
        now,
        log,
        metrics: options.metrics,
      }),
    ),
    {
      connection,
      prefix,
      concurrency: 1,
      lockDuration: config.WORKER_LOCK_MS,
      stalledInterval: config.WORKER_LOCK_MS,
    },
  );
  worker.on('error', (error) => log.error({ err: error, worker: 'resync' }, 'worker error'));
  worker.on('failed', (job, error) => log.warn({ jobId: job?.id, err: error.message }, 'resync failed'));

  const watch = watchForRedisLoss({
    redis: connection,
    key: markerKey,
    intervalMs: config.RESYNC_INTERVAL_MS,
    onLoss: async () => {
      options.metrics?.resync.inc({ action: 'redis_empty' });
      await rebuild('redis-empty');
    },
    log,
  });
  await worker.waitUntilReady();
  log.info({ everyMs: config.RESYNC_INTERVAL_MS, liveTruth: Boolean(options.liveTruth) }, 'resync scheduled');

  return {
    worker,
    async close() {
      watch.close();
      await queue.close();
    },
  };
}
