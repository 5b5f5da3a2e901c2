import type { MixLimits } from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
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

/** The smallest canvas side the layout engine accepts from a room's config (the rooms API takes
 *  the same): 15 tiles still get a pixel each. The largest is the mix API's pixel limit. */
export const MIN_CANVAS_SIDE = 16;

export function isUsableCanvas(size: Size, limits: MixLimits): boolean {
  return [size.width, size.height].every(
    (v) => Number.isInteger(v) && v >= MIN_CANVAS_SIDE && v <= limits.maxPixels,
  );
}
