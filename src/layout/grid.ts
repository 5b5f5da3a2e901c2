import type { Size } from './plan.js';
import type { Stage } from './stage.js';

/**
 * Grid (meetings, multi-player): equal tiles in near-square rows × columns, filled row by row
 * in slot order. The longer side of the canvas gets the extra column (1280×720: 2 → 2×1,
 * 3–4 → 2×2, 5–6 → 3×2, 7–9 → 3×3, 10–12 → 4×3, 13–16 → 4×4).
 */
export const GRID_DEFAULT_CANVAS: Size = { width: 1280, height: 720 };

export function gridShape(cells: number, canvas: Size): { rows: number; cols: number } {
  const n = Math.max(1, cells);
  const long = Math.ceil(Math.sqrt(n));
  const short = Math.ceil(n / long);
  return canvas.width >= canvas.height ? { rows: short, cols: long } : { rows: long, cols: short };
}

export function gridStage(canvas: Size, cells: number): Stage {
  if (cells <= 0) return { canvas: { ...canvas }, cells: [] };
  const { rows, cols } = gridShape(cells, canvas);
  const width = Math.floor(canvas.width / cols);
  const height = Math.floor(canvas.height / rows);
  // Centre the block so rounding leaves equal margins, not a strip on one side.
  const x0 = Math.floor((canvas.width - width * cols) / 2);
  const y0 = Math.floor((canvas.height - height * rows) / 2);
  const rects = [];
  for (let slot = 0; slot < cells; slot++) {
    rects.push({
      x: x0 + (slot % cols) * width,
      y: y0 + Math.floor(slot / cols) * height,
      width,
      height,
    });
  }
  return { canvas: { ...canvas }, cells: rects };
}
