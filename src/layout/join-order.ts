import type { SnapshotStream } from './plan.js';

/**
 * The order streams joined the room: `joinedAt`, then stream id so ties (callbacks carry
 * 1-second times) still give one order. A missing or non-finite time sorts last.
 */
export function byJoinOrder(a: SnapshotStream, b: SnapshotStream): number {
  const ta = Number.isFinite(a.joinedAt) ? a.joinedAt : Number.POSITIVE_INFINITY;
  const tb = Number.isFinite(b.joinedAt) ? b.joinedAt : Number.POSITIVE_INFINITY;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.streamId === b.streamId) return 0;
  return a.streamId < b.streamId ? -1 : 1;
}
