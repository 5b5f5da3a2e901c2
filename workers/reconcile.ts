import { DelayedError, type Job } from 'bullmq';
import { type ReconcileJob, reconcileJobSchema } from '../src/queue/jobs.js';
import { type ReconcileDeps, reconcileRoom } from '../src/reconcile/reconcile-room.js';

/** Thrown for a transient mix error so BullMQ retries the job with the `mix` backoff. */
export class MixRetryError extends Error {
  override readonly name = 'MixRetryError';
}

export interface ReconcileProcessorDeps extends ReconcileDeps {
  /** How soon to come back when the room changed while this run was deciding to wait. */
  debounceMs: number;
}

/** Maps a room reconcile onto the job: done → complete, wait/rerun/busy → delay itself, retry → throw. */
export function reconcileProcessor(deps: ReconcileProcessorDeps) {
  return async (job: Job<ReconcileJob>, token?: string): Promise<string> => {
    const { roomId } = reconcileJobSchema.parse(job.data);
    const result = await reconcileRoom(
      roomId,
      { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 },
      deps,
    );
    switch (result.kind) {
      case 'done':
        return result.summary;
      case 'retry':
        throw new MixRetryError(`${result.error.code}: ${result.error.message}`);
      case 'busy':
        // Not a failure either: the holder releases the room soon, or its lease runs out.
        await job.moveToDelayed(Math.max(result.until, deps.now()), token);
        throw new DelayedError(result.summary);
      case 'wait':
      case 'rerun': {
        // Waiting is not a failure: the job comes back without spending an attempt.
        const until = result.kind === 'wait' ? Math.max(result.until, deps.now()) : deps.now();
        await job.moveToDelayed(until, token);
        // A callback that arrived while this run was active could not move the job; look once more.
        if ((await deps.store.version(roomId)) !== result.version) {
          await job.changeDelay(deps.debounceMs).catch(() => {});
        }
        throw new DelayedError(result.summary);
      }
    }
  };
}
