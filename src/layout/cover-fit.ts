import type { Rect } from '../tencent/mix-spec.js';
import type { Size } from './plan.js';

/**
 * Cover fit (seed FAQ 8): a source whose aspect differs from its tile gets black bars unless
 * we crop it. The crop keeps the centre of the source at the tile's aspect, in source pixels.
 *
 * Returns `undefined` when no crop is needed or none can be computed: unknown resolution (0),
 * or an aspect difference smaller than one source pixel.
 */
export function coverCrop(source: Size, tile: Size): Rect | undefined {
  const { width: sw, height: sh } = source;
  const { width: tw, height: th } = tile;
  if (!(sw > 0 && sh > 0 && tw > 0 && th > 0)) return undefined;
  // Compare aspects by cross-multiplying: integers stay exact.
  if (sw * th > sh * tw) {
    // Source is wider than the tile: keep the full height, trim the sides.
    const width = clamp(Math.round((sh * tw) / th), 1, sw);
    if (width === sw) return undefined;
    return { x: Math.floor((sw - width) / 2), y: 0, width, height: sh };
  }
  if (sw * th < sh * tw) {
    // Source is taller than the tile: keep the full width, trim top and bottom.
    const height = clamp(Math.round((sw * th) / tw), 1, sh);
    if (height === sh) return undefined;
    return { x: 0, y: Math.floor((sh - height) / 2), width: sw, height };
  }
  return undefined;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
