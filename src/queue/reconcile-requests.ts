import type { Queue } from 'bullmq';
import type { ReconcileJob } from './jobs.js';

/**
 * Asks for a reconcile of a room after `delayMs`. One job per room: while one waits, further
 * requests move it to the new delay (`reschedule`); while one runs, the latest request is kept and
 * runs once it ends (`keepLastIfActive`). So at most one reconcile per room is ever active.
 */
export function requestReconcile(
  queue: Queue<ReconcileJob>,
  roomId: string,
  delayMs: number,
  attempts: number,
) {
  return queue.add(
    'reconcile',
    { roomId },
    {
      delay: Math.max(0, Math.round(delayMs)),
      deduplication: { id: reconcileDeduplicationId(roomId), keepLastIfActive: true, reschedule: true },
      attempts,
      backoff: { type: 'mix' },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    },
  );
}

/** The deduplication id of a room's reconcile job: one per room. */
export function reconcileDeduplicationId(roomId: string): string {
  return `room-${roomId}`;
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
