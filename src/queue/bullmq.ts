import { DelayedError, type Job, type JobsOptions, type KeepJobs, Queue, Worker } from 'bullmq';
import type { Logger } from '../log.js';
import { retryDelayMs } from '../reconcile/backoff.js';
import type {
  JobDefinition,
  JobHandler,
  JobPolicy,
  Postponed,
  Retention,
  WorkerSettings,
} from './catalog.js';
import type { RedisClient } from './connections.js';
import { releaseOnCancel } from './release-on-cancel.js';

/**
 * The one place that turns the job catalog (src/queue/catalog.ts) into BullMQ: queues, the options
 * of each job added, workers that run a catalog handler, and closing them within a deadline.
 */

export interface QueueConnection {
  connection: RedisClient;
  /** `{mk}` in production (QUEUE_PREFIX); tests isolate themselves with their own. */
  prefix: string;
}

/** The queue of a catalog entry. */
export function openQueue<P, S>(definition: JobDefinition<P, S>, where: QueueConnection): Queue<P> {
  return new Queue<P>(definition.queue, { connection: where.connection, prefix: where.prefix });
}

const keep = (retention: Retention): KeepJobs =>
  'ageMs' in retention
    ? { age: retention.ageMs / 1000, ...(retention.count !== undefined ? { count: retention.count } : {}) }
    : { count: retention.count };

/** What every job of the entry carries, ids and deduplication aside (a scheduler's template takes only this). */
function policyOptions<P>(policy: JobPolicy<P>): JobsOptions {
  const backoff = policy.backoff;
  return {
    attempts: policy.attempts,
    ...(backoff
      ? { backoff: backoff.type === 'mix' ? { type: 'mix' } : { type: backoff.type, delay: backoff.delayMs } }
      : {}),
    removeOnComplete: keep(policy.keepCompleted),
    removeOnFail: keep(policy.keepFailed),
  };
}

/** BullMQ's options for adding `payload` as a job of `definition`, after `delayMs` when given. */
export function jobOptions<P, S>(
  definition: JobDefinition<P, S>,
  payload: P,
  settings: S,
  delayMs?: number,
): JobsOptions {
  const policy = definition.job(settings);
  const dedup = policy.dedup;
  return {
    ...(policy.jobId ? { jobId: policy.jobId(payload) } : {}),
    ...(delayMs !== undefined ? { delay: Math.max(0, Math.round(delayMs)) } : {}),
    ...(dedup
      ? {
          deduplication: {
            id: dedup.id(payload),
            ...(dedup.ttlMs !== undefined ? { ttl: dedup.ttlMs } : {}),
            ...(dedup.keepLastIfActive ? { keepLastIfActive: true } : {}),
            ...(dedup.reschedule ? { reschedule: true } : {}),
          },
        }
      : {}),
    ...policyOptions(policy),
  };
}

/** The options of a job scheduler's template: a scheduled job cannot carry an id or deduplication. */
export function scheduledJobOptions<P, S>(definition: JobDefinition<P, S>, settings: S): JobsOptions {
  return policyOptions(definition.job(settings));
}

/** Applies what the catalog says about the queue as a whole (its global concurrency). */
export async function applyQueuePolicy<P, S>(
  queue: Queue<P>,
  definition: JobDefinition<P, S>,
  settings: WorkerSettings,
): Promise<void> {
  const { globalConcurrency } = definition.worker(settings);
  if (globalConcurrency !== undefined) await queue.setGlobalConcurrency(globalConcurrency);
}

export interface WorkerStart extends QueueConnection {
  settings: WorkerSettings;
  log: Logger;
}

const isPostponed = (value: unknown): value is Postponed =>
  typeof value === 'object' && value !== null && 'postponed' in value;

/**
 * A worker running `handler` on the entry's queue with the catalog's worker options. The payload
 * is checked against the entry's schema first; a postponed job waits without spending an
 * attempt; a job its worker cancels at shutdown goes back to the queue (release-on-cancel.ts).
 */
export function startWorker<P, S>(
  name: string,
  definition: JobDefinition<P, S>,
  handler: JobHandler<P>,
  /** `onDone` is told each completed job's payload and result (e.g. for a debug line). */
  options: WorkerStart & { onDone?: (payload: P, result: unknown) => void },
): Worker<P> {
  const { log } = options;
  const policy = definition.worker(options.settings);
  const run = async (job: Job<P>, token?: string): Promise<unknown> => {
    const payload = definition.schema.parse(job.data);
    const result = await handler(payload, {
      attempt: { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 },
      rerun: job.attemptsStarted > 1 || job.attemptsMade > 0 || job.stalledCounter > 0,
    });
    if (!isPostponed(result)) return result;
    const { until, reason, recheck } = result.postponed;
    await job.moveToDelayed(until, token);
    const sooner = await recheck?.();
    if (sooner !== undefined) await job.changeDelay(sooner).catch(() => {});
    throw new DelayedError(reason);
  };
  const retryDelay = policy.retryDelay;
  const worker = new Worker<P>(definition.queue, releaseOnCancel(run), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: policy.concurrency,
    lockDuration: policy.lockMs,
    stalledInterval: policy.stalledCheckMs,
    maxStalledCount: policy.maxStalls,
    ...(retryDelay
      ? { settings: { backoffStrategy: (attemptsMade: number) => retryDelayMs(attemptsMade, retryDelay) } }
      : {}),
  });
  worker.on('error', (error) => log.error({ err: error, worker: name }, 'worker error'));
  worker.on('failed', (job, error) =>
    log.warn({ worker: name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'),
  );
  worker.on('stalled', (jobId) => log.warn({ worker: name, jobId }, 'job stalled'));
  const onDone = options.onDone;
  if (onDone) worker.on('completed', (job, result) => onDone(job.data, result));
  return worker;
}

/**
 * Stops taking jobs; waits up to `deadlineMs` for active ones, then puts them back in the queue
 * (release-on-cancel.ts) rather than leave them locked until a stalled check finds them.
 */
export async function closeWorkers(workers: Worker[], deadlineMs: number, log: Logger): Promise<void> {
  const graceful = Promise.all(workers.map((worker) => worker.close()));
  const within = (ms: number) =>
    Promise.race([
      graceful.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref()),
    ]);
  if (await within(deadlineMs)) return;
  log.warn({ deadlineMs }, 'workers did not finish in time: releasing active jobs (they will re-run)');
  for (const worker of workers) worker.cancelAllJobs('shutdown');
  if (await within(2000)) return;
  log.warn('releasing active jobs failed: abandoning them (they stall and re-run)');
  // A forced close waits on the workers' connections; one stuck reconnecting must not hold the
  // shutdown past its deadline (the process is leaving; the jobs' locks expire and they re-run).
  const forced = Promise.all(workers.map((worker) => worker.close(true)));
  const abandoned = await Promise.race([
    forced.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 2000).unref()),
  ]);
  if (abandoned) log.warn('workers did not close: left to the process exit');
}
