import type { Rect } from '../tencent/mix-stream-v2.js';
import type { Size } from './plan.js';

/**
 * What a preset's geometry produces: the output picture's size and one rectangle per slot.
 * Presets only do geometry; who sits in which slot, layers, crops and the output are decided
 * once, in `compose.ts`, for every preset alike.
 */
export interface Stage {
  canvas: Size;
  /** `cells[slot]` is where the tile holding `slot` goes. */
  cells: Rect[];
}

/** A canvas side the layout engine accepts from a room's config (the rooms API takes the same
 *  range): 15 tiles still get a pixel each, and the platform's 3000 px limit holds. */
export const CANVAS_SIDE = { min: 16, max: 3000 } as const;

export function isUsableCanvas(size: Size): boolean {
  return [size.width, size.height].every(
    (v) => Number.isInteger(v) && v >= CANVAS_SIDE.min && v <= CANVAS_SIDE.max,
  );
}
