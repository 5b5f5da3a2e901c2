import type { Queue } from 'bullmq';
import { jobOptions } from './bullmq.js';
import { jobCatalog, type ReconcileJob, reconcileDeduplicationId } from './catalog.js';

/**
 * Asks for a reconcile of a room after `delayMs`, with `attempts` (MIX_RETRY_MAX_ATTEMPTS). One job
 * per room (the catalog's deduplication): a waiting one moves to the new delay; while one runs,
 * the latest request is kept and runs once it ends.
 */
export function requestReconcile(
  queue: Queue<ReconcileJob>,
  roomId: string,
  delayMs: number,
  attempts: number,
) {
  const job = { roomId };
  return queue.add(
    'reconcile',
    job,
    jobOptions(jobCatalog.reconcile, job, { MIX_RETRY_MAX_ATTEMPTS: attempts }, delayMs),
  );
}

/**
 * Whether a reconcile of the room is already queued or delayed. The resync leaves such a room
 * alone: asking again would only move the job (`reschedule`), e.g. cut short a readiness wait.
 */
export async function reconcileQueued(queue: Queue<ReconcileJob>, roomId: string): Promise<boolean> {
  const jobId = await queue.getDeduplicationJobId(reconcileDeduplicationId(roomId));
  if (!jobId) return false;
  const state = await queue.getJobState(jobId);
  return state === 'waiting' || state === 'delayed' || state === 'prioritized';
}
