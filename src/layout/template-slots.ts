import type { Rect } from '../tencent/mix-spec.js';
import type { TemplateSlot } from './layout-template.js';
import type { SnapshotStream } from './plan.js';
import { area } from './template-geometry.js';

/**
 * Who sits in which slot of a layout template. Sticky as the presets are: a stream keeps the slot
 * it held in the last plan (unless the room compacts) while that slot still takes its role. The
 * spotlit stream takes the largest slot whatever its role; then the main, then guests in join
 * order take the first free slot, in the template's filling order, that takes them (a main the
 * spotlight displaced takes any free slot). Whoever finds none waits.
 */
export interface SlotFill {
  slots: Map<string, number>;
  /** In join order. */
  waiting: SnapshotStream[];
}

export interface SlotFillOptions {
  main: SnapshotStream | undefined;
  spotlight: SnapshotStream | undefined;
  compact: boolean;
}

export function fillTemplateSlots(
  slots: readonly TemplateSlot[],
  rects: readonly Rect[],
  takers: readonly SnapshotStream[],
  options: SlotFillOptions,
): SlotFill {
  const order = slots
    .map((slot, i) => ({ i, key: slot.order ?? i }))
    .sort((a, b) => a.key - b.key || a.i - b.i)
    .map((e) => e.i);
  const taken = new Map<number, string>();
  const placed = new Map<string, number>();
  const claim = (s: SnapshotStream, i: number) => {
    taken.set(i, s.streamId);
    placed.set(s.streamId, i);
  };
  const takes = (i: number, s: SnapshotStream) => {
    const who = slots[i]?.takes ?? 'any';
    return who === 'any' || (who === 'main') === (s === options.main);
  };

  const spot = options.spotlight && takers.includes(options.spotlight) ? options.spotlight : undefined;
  if (spot) {
    let best: number | undefined;
    for (const i of order) {
      const r = rects[i];
      const b = best === undefined ? undefined : rects[best];
      if (r && (!b || area(r) > area(b))) best = i;
    }
    if (best !== undefined) claim(spot, best);
  }
  if (!options.compact) {
    for (const s of takers) {
      if (placed.has(s.streamId) || s.slot === undefined) continue;
      const i = s.slot;
      const mayStay = takes(i, s) || (s === options.main && spot !== undefined);
      if (Number.isInteger(i) && i >= 0 && i < slots.length && !taken.has(i) && mayStay) claim(s, i);
    }
  }
  const rest = takers.filter((s) => !placed.has(s.streamId));
  const queue =
    options.main && rest.includes(options.main)
      ? [options.main, ...rest.filter((s) => s !== options.main)]
      : rest;
  const waiting: SnapshotStream[] = [];
  for (const s of queue) {
    // A main the spotlight pushed out of its slot swaps into any free one: it stays in the mix.
    const displaced = s === options.main && spot !== undefined;
    const free =
      order.find((i) => !taken.has(i) && takes(i, s)) ??
      (displaced ? order.find((i) => !taken.has(i)) : undefined);
    if (free === undefined) waiting.push(s);
    else claim(s, free);
  }
  return { slots: placed, waiting: takers.filter((s) => waiting.includes(s)) };
}
