import type { Size } from './plan.js';
import type { Stage } from './stage.js';

/**
 * Picture-in-picture (co-hosting): the main's own picture is the background; guests are small
 * tiles stacked upward from the bottom-right corner, a new column to the left when one is full.
 *
 * Geometry after Tencent's MLVB `StreamMixturer` (reference §5.3): on a 540×960 main a guest is
 * 160×240 with a 90 px bottom margin; on a smaller main (width < 540 or height < 960) it is
 * 120×180 with 60 px. Bigger mains scale the 540×960 numbers up, mains smaller than 360×640 scale
 * the small numbers down, so both MLVB rows are reproduced exactly. Landscape guests get those
 * tiles turned on their side (240×160), so a 640×360 camera is not cut to a third of its picture.
 */

/** The main's size to plan against when its push has not reported one yet (MLVB's default). */
export const PIP_ASSUMED_MAIN: Size = { width: 540, height: 960 };

interface GuestTile {
  width: number;
  height: number;
  /** Gap between the lowest tile and the bottom edge. */
  bottom: number;
}

const LARGE = { main: { width: 540, height: 960 }, tile: { width: 160, height: 240, bottom: 90 } };
const SMALL = { main: { width: 360, height: 640 }, tile: { width: 120, height: 180, bottom: 60 } };

/** The guest tile for a main of this size, before any shrinking for many guests. */
export function pipGuestTile(main: Size): GuestTile {
  const large = main.width >= LARGE.main.width && main.height >= LARGE.main.height;
  const ref = large ? LARGE : SMALL;
  const ratio = Math.min(main.width / ref.main.width, main.height / ref.main.height);
  const scale = large ? ratio : Math.min(1, ratio);
  return {
    width: Math.max(1, Math.round(ref.tile.width * scale)),
    height: Math.max(1, Math.round(ref.tile.height * scale)),
    bottom: Math.round(ref.tile.bottom * scale),
  };
}

function capacity(main: Size, tile: GuestTile): { rows: number; cols: number } {
  return {
    rows: Math.max(0, Math.floor((main.height - tile.bottom) / tile.height)),
    cols: Math.max(0, Math.floor(main.width / tile.width)),
  };
}

/**
 * Rectangles for `cells` guest slots on a main of size `main`. When the MLVB-sized tiles cannot
 * hold `cells` guests, they shrink (keeping their aspect and margin) until they can.
 */
export function pipStage(
  main: Size,
  cells: number,
  orientation: 'portrait' | 'landscape' = 'portrait',
): Stage {
  const portrait = pipGuestTile(main);
  // Landscape guests get the same tile turned on its side, on the same bottom margin.
  const base =
    orientation === 'landscape'
      ? { width: portrait.height, height: portrait.width, bottom: portrait.bottom }
      : portrait;
  let tile = base;
  let grid = capacity(main, tile);
  for (let height = base.height; height >= 1 && grid.rows * grid.cols < cells; height--) {
    tile = {
      width: Math.max(1, Math.round((height * base.width) / base.height)),
      height,
      bottom: Math.round((height * base.bottom) / base.height),
    };
    grid = capacity(main, tile);
  }
  const rows = Math.max(1, grid.rows);
  const rects = [];
  for (let slot = 0; slot < cells; slot++) {
    const col = Math.floor(slot / rows);
    const row = slot % rows;
    rects.push({
      x: main.width - (col + 1) * tile.width,
      y: main.height - tile.bottom - (row + 1) * tile.height,
      width: tile.width,
      height: tile.height,
    });
  }
  return { canvas: { ...main }, cells: rects };
}
