import type { Queue } from 'bullmq';
import { z } from 'zod';

/**
 * The resync's trigger job. A job scheduler cannot carry deduplication, so the scheduled job only
 * starts a sweep, and the sweep asks for each room's reconcile through the deduplicated
 * `requestReconcile`. The scheduler lives in Redis: it is upserted at every worker start and again
 * when Redis comes back empty.
 */

export const RESYNC_SCHEDULER_ID = 'resync';

export const resyncJobSchema = z.object({
  /** What started the sweep: the schedule, a worker's start-up, or Redis found empty. */
  reason: z.enum(['schedule', 'start-up', 'redis-empty']),
});
export type ResyncJob = z.infer<typeof resyncJobSchema>;

const retention = { removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } } as const;

/** Creates or updates the scheduler: one trigger every `everyMs`, whichever worker takes it. */
export async function scheduleResync(queue: Queue<ResyncJob>, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(
    RESYNC_SCHEDULER_ID,
    { every: everyMs },
    { name: 'resync', data: { reason: 'schedule' }, opts: retention },
  );
}

/** Asks for a sweep now; while one is still queued, further asks are dropped. */
export async function resyncNow(queue: Queue<ResyncJob>, reason: ResyncJob['reason']): Promise<void> {
  await queue.add('resync', { reason }, { ...retention, deduplication: { id: 'resync-now' } });
}
