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

/**
 * Contain fit: the whole source, scaled to fit inside the tile and centred; the canvas shows
 * around it (letterbox or pillarbox). Undefined when the source size is unknown.
 */
export function containRect(source: Size, tile: Rect): Rect | undefined {
  const { width: sw, height: sh } = source;
  if (!(sw > 0 && sh > 0 && tile.width > 0 && tile.height > 0)) return undefined;
  if (sw * tile.height > sh * tile.width) {
    const height = clamp(Math.round((sh * tile.width) / sw), 1, tile.height);
    return { x: tile.x, y: tile.y + Math.floor((tile.height - height) / 2), width: tile.width, height };
  }
  const width = clamp(Math.round((sw * tile.height) / sh), 1, tile.width);
  return { x: tile.x + Math.floor((tile.width - width) / 2), y: tile.y, width, height: tile.height };
}
