import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { JobContext } from '../src/queue/catalog.js';
import { readMembership } from '../src/rooms/membership.js';
import { applyObservation } from '../src/rooms/observations.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import type { LiveEvent } from '../src/tencent/callback.js';
import { isPushOrigin, type PushOrigin, pushOriginKey } from '../src/tencent/push-origin.js';

export interface EventsHandlerDeps {
  store: RoomStore;
  now: () => number;
  /** Asks for a reconcile of the room, debounced (src/queue/reconcile-requests.ts). */
  requestReconcile(roomId: string): Promise<unknown>;
  metrics?: Metrics;
  /** Remembers the push domains and AppNames seen, for the platform's online list (src/rooms/push-origins.ts). */
  origins?: { record(origin: PushOrigin): Promise<unknown> };
  /** Told when a cap refuses a callback (at most once a minute per cap). */
  log?: Logger;
  /** VERIFY_NEW_STREAMS: a push waits for the online list's word before it is first mixed. */
  verifyNewStreams?: boolean;
}

/** What an operator reads when a cap refuses callbacks: the setting to raise, or forged callbacks to find. */
const CAP_REASON = {
  streams: 'a room holds ROOM_MAX_STREAMS streams: a push of one more is refused',
  rooms:
    'ROOMS_MAX rooms exist: a callback naming another room is refused (idle rooms go after ROOM_IDLE_FORGET_MS: lower it, delete rooms, or raise ROOMS_MAX)',
  push_origins: 'PUSH_ORIGINS_MAX push origins are known: a new one is not learned for the online list',
} as const;
const CAP_LOG_INTERVAL_MS = 60_000;

export type EventResult = { outcome: string; roomId?: string; version?: number };

/** The `liveEvents` handler: a callback's event → the room's state; asks for a reconcile when the room changed. */
export function eventsHandler(deps: EventsHandlerDeps) {
  const loggedAt = new Map<keyof typeof CAP_REASON, number>();
  const refused = (cap: keyof typeof CAP_REASON, detail: Record<string, string>) => {
    deps.metrics?.capsRefused.inc({ cap });
    const now = deps.now();
    if (now - (loggedAt.get(cap) ?? Number.NEGATIVE_INFINITY) < CAP_LOG_INTERVAL_MS) return;
    loggedAt.set(cap, now);
    deps.log?.warn({ cap, ...detail }, CAP_REASON[cap]);
  };
  return async (event: LiveEvent, { rerun }: Pick<JobContext, 'rerun'>): Promise<EventResult> => {
    const member = readMembership(event.params);
    if (!member.ok) {
      const outcome = member.reason === 'no-room' ? 'no_room' : 'bad_room';
      deps.metrics?.observations.inc({ kind: event.kind, outcome });
      return { outcome };
    }
    const { roomId } = member.membership;
    const origin = { domain: event.domain, appName: event.appName };
    const wellFormed = event.kind === 'push' && isPushOrigin(origin);
    if (wellFormed && (await deps.origins?.record(origin)) === 'full') {
      refused('push_origins', { origin: pushOriginKey(origin) });
    }
    const { outcome, version, cap } = await applyObservation(
      deps.store,
      {
        ...event,
        membership: member.membership,
        ...(wellFormed ? { origin: pushOriginKey(origin) } : {}),
        ...(deps.verifyNewStreams && event.kind === 'push' && !event.unmixable
          ? { verify: 'pending' as const }
          : {}),
      },
      deps.now(),
    );
    deps.metrics?.observations.inc({ kind: event.kind, outcome });
    if (cap) refused(cap, { room: roomId, stream: event.streamId });
    // A run before this one may have applied the event and died before asking: ask again.
    if (outcome === 'applied' || (rerun && outcome === 'duplicate')) await deps.requestReconcile(roomId);
    return { outcome, roomId, version };
  };
}
