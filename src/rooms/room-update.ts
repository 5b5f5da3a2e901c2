import { encodeAuditEntry } from './audit.js';
import type { RoomLease } from './lease.js';
import type { RoomStore } from './room-store.js';
import { runWriteRoom } from './scripts/room-io.js';
import type { AppliedMix, AuditEntry, LastError, RoomStatus } from './stored.js';
import { storedPlan } from './stored-plan.js';

/** What a reconcile (or an operator's forced one, or the resync) writes about a room. */
export interface RoomUpdate {
  status?: RoomStatus;
  epoch?: number;
  /** `null` clears it. */
  lastError?: LastError | null;
  failedVersion?: number | null;
  lastStartRequestAt?: number;
  lastCancel?: { sessionId: string; at: number };
  /** `null` deletes the applied mix (after a cancel). */
  applied?: AppliedMix | null;
  audit?: AuditEntry[];
  /** How many causes (the oldest) a request has reported: they are dropped, later ones kept. */
  causesReported?: number;
}

/** Writes a reconcile's outcome in one command, releasing the reconcile's lease when given. */
export async function updateRoom(
  store: RoomStore,
  roomId: string,
  update: RoomUpdate,
  nowMs: number,
  lease?: RoomLease,
): Promise<void> {
  const set: string[] = ['updatedAt', String(nowMs)];
  const del: string[] = [];
  const put = (field: string, value: string | number) => set.push(field, String(value));
  if (update.status !== undefined) put('status', update.status);
  if (update.epoch !== undefined) put('epoch', update.epoch);
  if (update.lastStartRequestAt !== undefined) put('lastStartRequestAt', update.lastStartRequestAt);
  if (update.lastCancel !== undefined) put('lastCancel', JSON.stringify(update.lastCancel));
  if (update.lastError === null) del.push('lastError');
  else if (update.lastError !== undefined) put('lastError', JSON.stringify(update.lastError));
  if (update.failedVersion === null) del.push('failedVersion');
  else if (update.failedVersion !== undefined) put('failedVersion', update.failedVersion);
  const applied =
    update.applied === undefined
      ? ''
      : update.applied === null
        ? '-'
        : JSON.stringify({ ...update.applied, plan: storedPlan(update.applied.plan) });
  const releasing = lease && !lease.released ? lease.token : '';
  await runWriteRoom(
    store.redis,
    store.keys.room(roomId),
    {
      metaSet: JSON.stringify(set),
      metaDel: JSON.stringify(del),
      appliedMix: applied,
      auditCap: store.auditCap,
      causesReported: update.causesReported ?? 0,
      leaseToken: releasing,
    },
    (update.audit ?? []).map(encodeAuditEntry),
  );
  if (releasing && lease) lease.released = true;
}
