import { DelayedError, type Job } from 'bullmq';

/**
 * Wraps a processor so that a job its worker cancels (a shutdown past its deadline) goes back to
 * the queue at once instead of staying locked until another worker's stalled check finds it,
 * which would also count against `maxStalledCount`. The abandoned work may still finish in the
 * background: every job here is safe to run twice (room lease, idempotent observations), and a
 * mix request cut off this way is an unknown outcome, as after a timeout.
 */

/**
 * Released jobs wait this long before anyone may take them: the closing worker's own blocking
 * fetch would otherwise grab a job straight back from the wait list and run it again, past the
 * deadline. By then that worker has closed its connections; the others take the job.
 */
export const RELEASE_DELAY_MS = 1000;

export function releaseOnCancel<Data, Result>(
  processor: (job: Job<Data>, token?: string) => Promise<Result>,
) {
  // Three declared parameters: BullMQ hands a signal only to processors that take one.
  return async (job: Job<Data>, token?: string, signal?: AbortSignal): Promise<Result> => {
    const work = processor(job, token);
    if (!signal) return work;
    let onAbort = () => {};
    const cancelled = new Promise<'cancelled'>((resolve) => {
      onAbort = () => resolve('cancelled');
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const first = await Promise.race([work.then((result) => ({ result })), cancelled]);
      if (first !== 'cancelled') return first.result;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    work.catch(() => {});
    // Not an attempt: a delayed job keeps its attempts and its deduplication id.
    await job.moveToDelayed(Date.now() + RELEASE_DELAY_MS, token);
    throw new DelayedError('released at shutdown');
  };
}
