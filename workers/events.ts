import type { Job, Queue } from 'bullmq';
import type { Metrics } from '../src/metrics.js';
import { type LiveEventJob, liveEventJobSchema, type ReconcileJob } from '../src/queue/jobs.js';
import { requestReconcile } from '../src/queue/reconcile-requests.js';
import { readMembership } from '../src/rooms/membership.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { isPushOrigin, type PushOrigin, pushOriginKey } from '../src/tencent/push-origin.js';

export interface EventsProcessorDeps {
  store: RoomStore;
  reconcileQueue: Queue<ReconcileJob>;
  now: () => number;
  debounceMs: number;
  reconcileAttempts: number;
  metrics?: Metrics;
  /** Remembers the push domains and AppNames seen, for the platform's online list (src/rooms/push-origins.ts). */
  origins?: { record(origin: PushOrigin): Promise<unknown> };
}

export type EventResult = { outcome: string; roomId?: string; version?: number };

/** A callback's event → the room's state; asks for a reconcile when the room changed. */
export function eventsProcessor(deps: EventsProcessorDeps) {
  return async (job: Job<LiveEventJob>): Promise<EventResult> => {
    const event = liveEventJobSchema.parse(job.data);
    const member = readMembership(event.params);
    if (!member.ok) {
      const outcome = member.reason === 'no-room' ? 'no_room' : 'bad_room';
      deps.metrics?.observations.inc({ kind: event.kind, outcome });
      return { outcome };
    }
    const { roomId } = member.membership;
    const origin = { domain: event.domain, appName: event.appName };
    const wellFormed = event.kind === 'push' && isPushOrigin(origin);
    if (wellFormed) await deps.origins?.record(origin);
    const { outcome, version } = await deps.store.applyObservation(
      {
        kind: event.kind,
        streamId: event.streamId,
        sequence: event.sequence,
        eventTimeMs: event.eventTimeMs,
        receivedAt: event.receivedAt,
        width: event.width,
        height: event.height,
        membership: member.membership,
        ...(event.unmixable ? { unmixable: event.unmixable } : {}),
        ...(wellFormed ? { origin: pushOriginKey(origin) } : {}),
      },
      deps.now(),
    );
    deps.metrics?.observations.inc({ kind: event.kind, outcome });
    if (outcome === 'applied')
      await requestReconcile(deps.reconcileQueue, roomId, deps.debounceMs, deps.reconcileAttempts);
    return { outcome, roomId, version };
  };
}
