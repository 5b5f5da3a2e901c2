import type { RoomStore } from './room-store.js';
import type { AuditEntry } from './stored.js';

/** A room's audit log, newest first (at most the store's `auditCap` entries are kept). */
export async function readAudit(store: RoomStore, roomId: string, limit = 100): Promise<AuditEntry[]> {
  const raw = await store.redis.lrange(store.keys.room(roomId).audit, 0, limit - 1);
  return raw.map((line) => JSON.parse(line) as AuditEntry);
}
