import { listingCovers, type OnlineListing } from '../mix/online-list.js';
import type { RoomState } from '../rooms/room-state.js';
import type { StoredStream } from '../rooms/stored.js';
import type { MixLimits } from '../tencent/limits.js';
import { statusOf } from './decide.js';
import { desiredPlan, viewRoom } from './snapshot.js';

/**
 * What the periodic resync does about one room: the repair path for everything the callbacks
 * missed. Pure: the room as stored, the platform's online list (when one could be read) and the
 * clock in; streams to expire or confirm, and whether to reconcile, out. The sweep in
 * `workers/resync.ts` reads and writes.
 */

export interface ResyncPolicy {
  leaveGraceMs: number;
  /** Without a online list, a stream unconfirmed this long is gone (its disconnect was lost). 0 = never. */
  silenceMs: number;
  /** A room failed at its current version is tried again this long after its last error. */
  failedRetryMs: number;
  /** An unlisted stream is gone only if mixkeeper learnt of it at least this long before the list was read. */
  onlineListGraceMs: number;
  /** The mix API's limits: the desired plan is the one the reconcile would make. */
  limits: MixLimits;
  /** A room idle this long with nothing to keep it is forgotten (`idleRoomForgettable`). 0 or absent = never. */
  idleForgetMs?: number;
}

/** The platform's online list as the resync read it: a stream pushed since `readAt` cannot be in it. */
export interface ResyncListing extends OnlineListing {
  readAt: number;
}

export interface StreamRef {
  streamId: string;
  sequence: string;
}

export interface RoomResync {
  /** Pushes to end as their disconnect would have. */
  expire: (StreamRef & { reason: string })[];
  /** Pushes the online list still shows: the silence rule restarts from now. */
  confirm: StreamRef[];
  /** Clear the room's failed mark: its slower retry is due. */
  retryFailed: boolean;
  /** Ask for a reconcile of the room. */
  reconcile: boolean;
  reason: string;
}

export function planRoomResync(
  state: RoomState,
  live: ResyncListing | null,
  now: number,
  policy: ResyncPolicy,
): RoomResync {
  const expire: RoomResync['expire'] = [];
  const confirm: StreamRef[] = [];
  for (const stream of state.streams) {
    if (stream.leftAt !== undefined) continue;
    const ref = { streamId: stream.streamId, sequence: stream.sequence };
    // A list read for the stream's origin decides; without one (no list, its origin's read failed,
    // or it has no recorded origin), the silence rule.
    if (live && listingCovers(live, stream.origin)) {
      if (live.streams.has(stream.streamId)) {
        // Refresh the silence clock now and then, so a later outage of the list expires nothing live.
        if (policy.silenceMs > 0 && now - lastHeard(stream) >= policy.silenceMs / 2) confirm.push(ref);
      } else if (stream.pushedAt + policy.onlineListGraceMs <= live.readAt) {
        expire.push({ ...ref, reason: 'not in the platform’s online list' });
      }
    } else if (policy.silenceMs > 0 && lastHeard(stream) + policy.silenceMs <= now) {
      expire.push({
        ...ref,
        reason: `no callback or online listing for ${formatMs(now - lastHeard(stream))}`,
      });
    }
  }
  const plan = (reconcile: boolean, reason: string, retryFailed = false): RoomResync => ({
    expire,
    confirm,
    retryFailed,
    reconcile,
    reason,
  });

  // An expiry bumps the version: the room changes, whatever it was waiting for.
  if (expire.length) return plan(true, `${expire.length} stream(s) gone without a disconnect`);

  const { meta } = state;
  // Its reconcile cancels what runs, then forgets the room: make sure one comes.
  if (meta.deleting !== undefined) return plan(true, 'being deleted');
  if (meta.status === 'failed' && meta.failedVersion === meta.version) {
    const failedAt = meta.lastError?.at ?? meta.updatedAt ?? 0;
    if (failedAt + policy.failedRetryMs <= now) return plan(true, 'failed: its slower retry is due', true);
    return plan(false, 'failed: retried later');
  }

  const view = viewRoom(state, now, policy.leaveGraceMs, policy.limits);
  const desired = desiredPlan(view, state.applied);
  const status = statusOf(desired, state.applied);
  if (status === 'pending')
    return plan(true, desired ? 'the platform does not run the desired mix' : 'a mix runs that should not');
  // In step, but the stored status says otherwise (a reconcile ended early): one noop run fixes it.
  if (meta.status !== status) return plan(true, `status ${meta.status}, expected ${status}`);
  return plan(false, 'in step');
}

function lastHeard(stream: StoredStream): number {
  return Math.max(stream.pushedAt, stream.confirmedAt ?? 0);
}

function formatMs(ms: number): string {
  if (ms >= 3600_000) return `${(ms / 3600_000).toFixed(1)} h`;
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * Whether the resync may forget this room: idle longer than `idleForgetMs` (0 = never) since its
 * last activity (its score in the room index, or its last change if later: the resync's expiry of
 * a stream and the reconcile's cancel do not touch the index), with nothing that keeps it: no stream (live or
 * leaving), no mix on the platform (none applied, no request under way: status idle), no
 * operator's config or override (an operator's room stays until an operator deletes it), not
 * being deleted, no webhook events waiting. The forget script checks the same again.
 */
export function idleRoomForgettable(
  state: RoomState,
  activeAt: number,
  now: number,
  idleForgetMs: number,
  outboxWaiting: boolean,
): { forget: boolean; reason: string } {
  const keep = (reason: string) => ({ forget: false, reason });
  if (idleForgetMs <= 0) return keep('ROOM_IDLE_FORGET_MS is 0');
  const last = Math.max(activeAt, state.meta.updatedAt ?? 0);
  if (now - last <= idleForgetMs) return keep(`active ${formatMs(now - last)} ago`);
  if (state.meta.deleting !== undefined) return keep('being deleted');
  if (state.streams.length) return keep('has streams');
  if (state.applied) return keep('a mix is applied');
  if (state.meta.status !== 'idle') return keep(`status ${state.meta.status}`);
  if (state.config) return keep('an operator’s config');
  if (state.override) return keep('an operator’s override');
  if (outboxWaiting) return keep('webhook events waiting');
  return { forget: true, reason: `idle for ${formatMs(now - last)}` };
}
