import type { RoomConfig } from '../layout/plan.js';
import { encodeAuditFields } from './audit.js';
import { indexRoom } from './room-index.js';
import type { RoomOverride } from './room-override.js';
import type { RoomStore } from './room-store.js';
import {
  type OperatorChangeArgs,
  type OperatorTarget,
  runForgetRoom,
  runOperatorChange,
} from './scripts/operator.js';

/**
 * An operator's changes to a room (`/v1/rooms/:id`): each applies, bumps the room's version (so
 * its reconcile looks again, failed or not) and logs itself in one script; each returns the new
 * version. Deleting is two steps: marked here, forgotten by the reconcile once no mix runs.
 */

/** Replaces the operator config (`PUT /v1/rooms/:id`); creates the room if need be. */
export async function setConfig(
  store: RoomStore,
  roomId: string,
  config: RoomConfig,
  nowMs: number,
): Promise<number> {
  await indexRoom(store, roomId, nowMs);
  return change(store, roomId, nowMs, 'config', 'config', {
    mutation: 'set',
    value: JSON.stringify(config),
    audit: { type: 'config', detail: { config } },
  });
}

/** Lays `override.config` over the room's config until `override.until`. */
export function setOverride(
  store: RoomStore,
  roomId: string,
  override: RoomOverride,
  nowMs: number,
): Promise<number> {
  return change(store, roomId, nowMs, 'override', 'override', {
    mutation: 'set',
    value: JSON.stringify(override),
    // The key outlives `until` a little: readers compare `until`, the TTL only cleans up.
    ttlMs: Math.max(1, override.until - nowMs) + 60_000,
    audit: {
      type: 'operator',
      detail: { action: 'override', config: override.config, until: override.until },
    },
  });
}

/** Ends an override early. */
export function clearOverride(store: RoomStore, roomId: string, nowMs: number): Promise<number> {
  return change(store, roomId, nowMs, 'override ended', 'override', {
    mutation: 'del',
    audit: { type: 'operator', detail: { action: 'override-ended' } },
  });
}

/** Marks the room for deletion: its reconcile cancels any mix, then `forgetRoom`s it. */
export function markDeleting(store: RoomStore, roomId: string, nowMs: number): Promise<number> {
  return change(store, roomId, nowMs, 'delete', 'meta', {
    mutation: 'deleting',
    audit: { type: 'operator', detail: { action: 'delete' } },
  });
}

/**
 * Removes every key of a room marked for deletion, and its index entry, if it is still at
 * `version` with no mix applied. Returns false (and keeps the room) otherwise.
 */
export async function forgetRoom(
  store: RoomStore,
  roomId: string,
  version: number,
  nowMs: number,
): Promise<boolean> {
  // Index out first: a callback re-creating the room meanwhile re-adds it (it indexes before it writes).
  await store.redis.zrem(store.keys.index, roomId);
  if (await runForgetRoom(store.redis, store.keys.room(roomId), { version })) return true;
  await store.redis.zadd(store.keys.index, 'NX', nowMs, roomId);
  return false;
}

function change(
  store: RoomStore,
  roomId: string,
  nowMs: number,
  cause: string,
  target: OperatorTarget,
  what: {
    mutation: OperatorChangeArgs['mutation'];
    value?: string;
    ttlMs?: number;
    audit: { type: 'config' | 'operator'; detail: Record<string, unknown> };
  },
): Promise<number> {
  return runOperatorChange(store.redis, store.keys.room(roomId), target, {
    mutation: what.mutation,
    value: what.value ?? '',
    ttl: Math.round(what.ttlMs ?? 0),
    now: nowMs,
    auditCap: store.auditCap,
    auditType: what.audit.type,
    auditFields: encodeAuditFields(what.audit.type, what.audit.detail),
    cause,
  });
}
