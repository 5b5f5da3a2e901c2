import type { Queue } from 'bullmq';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { OnlineList } from '../src/mix/online-list.js';
import type { ReconcileJob, ResyncJob } from '../src/queue/catalog.js';
import { reconcileQueued, requestReconcile } from '../src/queue/reconcile-requests.js';
import {
  idleRoomForgettable,
  planRoomResync,
  type ResyncListing,
  type ResyncPolicy,
} from '../src/reconcile/resync-plan.js';
import { confirmStreams, expireStream } from '../src/rooms/observations.js';
import { forgetIdleRoom, scanRoomIds } from '../src/rooms/room-index.js';
import { emptyRoomState, readRoom } from '../src/rooms/room-state.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { updateRoom } from '../src/rooms/room-update.js';
import { ROOM_STATUSES } from '../src/rooms/stored.js';
import { pendingOutboxes } from '../src/webhooks/outbox.js';

/**
 * The periodic sweep: every room in the index is compared with what it should be; lost
 * disconnects are expired, failed rooms retried when due, and every room out of step gets a
 * reconcile through the same deduplicated request the callbacks use. Rooms idle past
 * ROOM_IDLE_FORGET_MS with nothing to keep them are forgotten.
 */

export interface ResyncDeps {
  store: RoomStore;
  reconcileQueue: Queue<ReconcileJob>;
  /** The platform's online list; without one (or when it cannot be read) the silence rule applies. */
  onlineList?: OnlineList | undefined;
  policy: ResyncPolicy;
  /** Each reconcile waits a random 0..jitterMs, so a sweep never reaches the mix API as one burst. */
  jitterMs: number;
  reconcileAttempts: number;
  now: () => number;
  log: Logger;
  metrics?: Metrics | undefined;
  random?: () => number;
}

export interface ResyncReport {
  rooms: number;
  reconciles: number;
  expired: number;
  confirmed: number;
  retriedFailed: number;
  /** Out of step, but a reconcile was already queued. */
  busy: number;
  /** Idle rooms forgotten (ROOM_IDLE_FORGET_MS). */
  forgotten: number;
  errors: number;
  /** Whether the platform's online list was used: for every origin, for some (`partial`), or not. */
  onlineList: 'used' | 'partial' | 'unavailable' | 'none';
  ms: number;
}

/** Rooms read and planned together. */
const PAGE = 100;

export async function resyncRooms(deps: ResyncDeps): Promise<ResyncReport> {
  const started = deps.now();
  const live = await readOnlineList(deps);
  const report: ResyncReport = {
    rooms: 0,
    reconciles: 0,
    expired: 0,
    confirmed: 0,
    retriedFailed: 0,
    busy: 0,
    forgotten: 0,
    errors: 0,
    onlineList: !deps.onlineList ? 'none' : !live ? 'unavailable' : live.complete ? 'used' : 'partial',
    ms: 0,
  };
  // ZSCAN may return a room twice; once per sweep is enough.
  const seen = new Set<string>();
  // Every room's state is read anyway: its status is counted for mixkeeper_rooms on the way.
  const statuses = new Map<string, number>();
  const outboxes = (deps.policy.idleForgetMs ?? 0) > 0 ? await waitingOutboxes(deps.store) : new Map();
  let cursor = '0';
  do {
    const page = await scanRoomIds(deps.store, cursor, PAGE);
    cursor = page.cursor;
    const fresh = page.roomIds.filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    await Promise.all(
      fresh.map((roomId) =>
        resyncRoom(roomId, live, deps, report, statuses, {
          activeAt: page.activeAt.get(roomId) ?? 0,
          outboxes: outboxes.get(roomId) ?? [],
        }).catch((error: unknown) => {
          report.errors += 1;
          deps.log.warn({ room: roomId, err: error }, 'resync of a room failed');
        }),
      ),
    );
  } while (cursor !== '0');
  report.rooms = seen.size;
  report.ms = deps.now() - started;
  if (report.forgotten) {
    deps.metrics?.roomsForgotten.inc(report.forgotten);
    deps.log.info(
      { forgotten: report.forgotten, idleForgetMs: deps.policy.idleForgetMs },
      'resync forgot idle rooms',
    );
  }
  const metrics = deps.metrics?.resync;
  if (deps.metrics && report.errors === 0) {
    for (const status of [...ROOM_STATUSES, 'deleting'])
      deps.metrics.rooms.set({ status }, statuses.get(status) ?? 0);
  }
  if (metrics) {
    metrics.inc({ action: 'sweep' });
    for (const [action, count] of [
      ['room', report.rooms],
      ['reconcile', report.reconciles],
      ['expire', report.expired],
      ['confirm', report.confirmed],
      ['retry_failed', report.retriedFailed],
      ['busy', report.busy],
      ['error', report.errors],
    ] as const) {
      if (count) metrics.inc({ action }, count);
    }
  }
  return report;
}

async function resyncRoom(
  roomId: string,
  live: ResyncListing | null,
  deps: ResyncDeps,
  report: ResyncReport,
  statuses = new Map<string, number>(),
  index: { activeAt: number; outboxes: readonly string[] } = {
    activeAt: Number.POSITIVE_INFINITY,
    outboxes: [],
  },
): Promise<void> {
  const read = await readRoom(deps.store, roomId);
  const now = deps.now();
  const idleForgetMs = deps.policy.idleForgetMs ?? 0;
  // An index entry without state (a disconnect of a stream never seen leaves only tombstones and
  // audit) holds a place under ROOMS_MAX all the same: it is forgotten like an empty room.
  const forIdle = read ?? emptyRoomState(roomId);
  const idle = idleRoomForgettable(forIdle, index.activeAt, now, idleForgetMs, index.outboxes.length > 0);
  const forget = { version: forIdle.meta.version, idleBefore: now - idleForgetMs, waiting: index.outboxes };
  if (idle.forget && (await forgetIdle(deps, roomId, forget))) {
    report.forgotten += 1;
    return;
  }
  if (!read) return;
  const state = read;
  const status = state.meta.deleting !== undefined ? 'deleting' : state.meta.status;
  statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const plan = planRoomResync(state, live, now, deps.policy);
  if (plan.confirm.length) {
    // Awaited first: `report.confirmed += await …` would read the total before other rooms' sweeps add to it.
    const confirmed = await confirmStreams(deps.store, roomId, plan.confirm, now);
    report.confirmed += confirmed;
  }
  let changed = false;
  for (const stream of plan.expire) {
    const { outcome } = await expireStream(deps.store, roomId, stream, stream.reason, now);
    if (outcome !== 'applied') continue;
    changed = true;
    report.expired += 1;
    deps.log.info(
      { room: roomId, stream: stream.streamId, reason: stream.reason },
      'resync expired a stream',
    );
  }
  if (plan.retryFailed) {
    await updateRoom(
      deps.store,
      roomId,
      {
        failedVersion: null,
        audit: [
          { at: now, v: state.meta.version, type: 'resync', action: 'retry-failed', reason: plan.reason },
        ],
      },
      now,
    );
    report.retriedFailed += 1;
  }
  if (!plan.reconcile && !changed) return;
  // A queued or delayed reconcile reads the room when it runs; asking again would only move it.
  if (await reconcileQueued(deps.reconcileQueue, roomId)) {
    report.busy += 1;
    return;
  }
  const delay = Math.floor((deps.random ?? Math.random)() * deps.jitterMs);
  await requestReconcile(deps.reconcileQueue, roomId, delay, deps.reconcileAttempts);
  report.reconciles += 1;
}

/**
 * Forgets the room if nothing changed since it was read. Its outboxes are checked empty in the
 * same script: those of endpoints it ever queued events for (recorded on the room) or that are
 * listed as waiting.
 */
async function forgetIdle(
  deps: ResyncDeps,
  roomId: string,
  { version, idleBefore, waiting }: { version: number; idleBefore: number; waiting: readonly string[] },
) {
  const room = deps.store.keys.room(roomId);
  const [last, tries] = await Promise.all([
    deps.store.redis.hkeys(room.webhookLast),
    deps.store.redis.hkeys(room.webhookTries),
  ]);
  const endpointIds = [...new Set([...last, ...tries, ...waiting])];
  return forgetIdleRoom(deps.store, roomId, { version, idleBefore, endpointIds });
}

/** Room id → endpoints whose outbox for it holds events (the webhook pending index), read once a sweep. */
async function waitingOutboxes(store: RoomStore): Promise<Map<string, string[]>> {
  const waiting = new Map<string, string[]>();
  for await (const page of pendingOutboxes(store)) {
    for (const { roomId, endpointId } of page)
      waiting.set(roomId, [...(waiting.get(roomId) ?? []), endpointId]);
  }
  return waiting;
}

async function readOnlineList(deps: ResyncDeps): Promise<ResyncListing | null> {
  if (!deps.onlineList) return null;
  const readAt = deps.now();
  try {
    const listing = await deps.onlineList.liveStreams();
    // The source says why when it can (start-workers.ts logs the online list's reason).
    if (!listing) deps.log.debug('the platform’s online list is unavailable: the silence rule applies');
    return listing ? { ...listing, readAt } : null;
  } catch (error) {
    deps.log.warn({ err: error }, 'reading the platform’s online list failed: the silence rule applies');
    return null;
  }
}

/** The `resync` handler: one sweep per trigger. */
export function resyncHandler(deps: ResyncDeps) {
  return async ({ reason }: ResyncJob): Promise<ResyncReport> => {
    const report = await resyncRooms(deps);
    const acted = report.reconciles + report.expired + report.retriedFailed + report.errors > 0;
    deps.log[acted ? 'info' : 'debug']({ reason, ...report }, 'resync done');
    return report;
  };
}
