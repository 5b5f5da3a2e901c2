import type { Queue } from 'bullmq';
import { jobOptions, scheduledJobOptions } from './bullmq.js';
import { jobCatalog, RESYNC_SCHEDULER_ID, type ResyncJob } from './catalog.js';

/**
 * The resync's trigger: a job scheduler in Redis, upserted at every worker start and again when
 * Redis comes back empty, and sweeps asked for on demand.
 */

/** Creates or updates the scheduler: one trigger every `everyMs`, whichever worker takes it. */
export async function scheduleResync(queue: Queue<ResyncJob>, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    RESYNC_SCHEDULER_ID,
    { every: everyMs },
    { name: 'resync', data: { reason: 'schedule' }, opts: scheduledJobOptions(jobCatalog.resync, {}) },
  );
}

/** Asks for a sweep now; while one is still queued, further asks are dropped. */
export async function resyncNow(queue: Queue<ResyncJob>, reason: ResyncJob['reason']): Promise<void> {
  const job = { reason };
  await queue.add('resync', job, jobOptions(jobCatalog.resync, job, {}));
}
