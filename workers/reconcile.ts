import type { JobContext, Postponed, ReconcileJob } from '../src/queue/catalog.js';
import { type ReconcileDeps, reconcileRoom } from '../src/reconcile/reconcile-room.js';
import { roomVersion } from '../src/rooms/room-state.js';

/** Thrown for a transient mix error so the job is retried with the `mix` backoff. */
export class MixRetryError extends Error {
  override readonly name = 'MixRetryError';
}

export interface ReconcileHandlerDeps extends ReconcileDeps {
  /** How soon to come back when the room changed while this run was deciding to wait. */
  debounceMs: number;
}

/**
 * The `reconcile` handler: maps a room's reconcile onto its job. done → complete; wait, rerun and
 * busy → the job waits (no attempt spent); retry → throw.
 */
export function reconcileHandler(deps: ReconcileHandlerDeps) {
  return async ({ roomId }: ReconcileJob, { attempt }: JobContext): Promise<string | Postponed> => {
    const result = await reconcileRoom(roomId, attempt, deps);
    switch (result.kind) {
      case 'done':
        return result.summary;
      case 'retry':
        throw new MixRetryError(`${result.error.code}: ${result.error.message}`);
      case 'busy':
        // The holder releases the room when it ends, or its lease runs out.
        return { postponed: { until: Math.max(result.until, deps.now()), reason: result.summary } };
      case 'wait':
      case 'rerun':
        return {
          postponed: {
            until: result.kind === 'wait' ? Math.max(result.until, deps.now()) : deps.now(),
            reason: result.summary,
            // A callback that arrived while this run was active could not move the job; look once more.
            recheck: async () =>
              (await roomVersion(deps.store, roomId)) !== result.version ? deps.debounceMs : undefined,
          },
        };
    }
  };
}
