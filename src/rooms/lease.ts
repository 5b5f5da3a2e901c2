import { randomUUID } from 'node:crypto';
import { parseRoom, type RoomState, withLayouts } from './room-state.js';
import type { RoomStore } from './room-store.js';
import { runReadRoom, runReleaseLease } from './scripts/room-io.js';

/** A reconcile's hold on a room (see `readLeased`). */
export interface RoomLease {
  readonly token: string;
  released: boolean;
  release(): Promise<void>;
}

/**
 * Takes the room's lease and reads the room in one command: a reconcile's whole read side. Beside
 * BullMQ's one-active-per-room deduplication, the lease covers a job put back in the queue while
 * its request may still be in flight (released at shutdown): the next run waits until the lease
 * ends. It does not fence a run frozen longer than the lease (a stalled job run again): that
 * run's late write is not refused, and the next reconcile corrects what it overwrote. Returns
 * `{ heldForMs }` (how long the lease has left) when another reconcile has the room, else the
 * state (null: no such room) and the lease, which `updateRoom` can release in the same command as
 * its writes.
 */
export async function readLeased(
  store: RoomStore,
  roomId: string,
  ttlMs: number,
): Promise<{ heldForMs: number } | { state: RoomState | null; lease: RoomLease }> {
  const token = randomUUID();
  const keys = store.keys.room(roomId);
  const raw = await runReadRoom(store.redis, keys, { leaseToken: token, leaseTtl: ttlMs });
  if ('heldForMs' in raw) return raw;
  const lease: RoomLease = {
    token,
    released: false,
    release: async () => {
      if (lease.released) return;
      lease.released = true;
      await runReleaseLease(store.redis, keys, { token });
    },
  };
  const state = parseRoom(roomId, raw);
  return { state: state && (await withLayouts(store, state)), lease };
}
