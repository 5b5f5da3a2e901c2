import type { SnapshotStream } from './plan.js';

export interface SlotOptions {
  /** Slots run from 0 to capacity - 1; a remembered slot outside that range is forgotten. */
  capacity: number;
  /** true: ignore remembered slots and close up in join order. */
  compact: boolean;
  /** This stream takes slot 0 whatever it held before (the speaker's large tile). */
  pinned?: string;
}

/**
 * Sticky slots: a stream keeps the slot it held in the last plan, so others leaving never moves
 * it; newcomers take the lowest free slot. When two streams claim one slot the earlier joiner
 * keeps it. `takers` must be in join order.
 */
export function assignSlots(takers: readonly SnapshotStream[], options: SlotOptions): Map<string, number> {
  const slots = new Map<string, number>();
  const taken = new Set<number>();
  const claim = (streamId: string, slot: number) => {
    slots.set(streamId, slot);
    taken.add(slot);
  };
  const pinned = options.pinned !== undefined && takers.some((s) => s.streamId === options.pinned);
  if (pinned && options.pinned !== undefined) claim(options.pinned, 0);

  const others = takers.filter((s) => !slots.has(s.streamId));
  if (!options.compact) {
    for (const s of others) {
      const slot = s.slot;
      if (slot !== undefined && Number.isInteger(slot) && slot >= 0 && slot < options.capacity) {
        if (!taken.has(slot)) claim(s.streamId, slot);
      }
    }
  }
  let next = 0;
  for (const s of others) {
    if (slots.has(s.streamId)) continue;
    while (taken.has(next)) next++;
    claim(s.streamId, next);
  }
  return slots;
}
