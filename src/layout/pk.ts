import type { Size } from './plan.js';
import type { Stage } from './stage.js';

/**
 * PK (hosts face off): equal tiles side by side on a canvas. Two hosts on MLVB's 720×640
 * canvas get 360×640 each (reference §5.3). N hosts split the canvas into N equal columns, or
 * N equal rows when the canvas is taller than wide (top/bottom PK on a portrait screen).
 */
export const PK_DEFAULT_CANVAS: Size = { width: 720, height: 640 };

export function pkStage(canvas: Size, cells: number): Stage {
  if (cells <= 0) return { canvas: { ...canvas }, cells: [] };
  const columns = canvas.width >= canvas.height;
  const rects = [];
  if (columns) {
    const width = Math.floor(canvas.width / cells);
    const x0 = Math.floor((canvas.width - width * cells) / 2);
    for (let i = 0; i < cells; i++) rects.push({ x: x0 + i * width, y: 0, width, height: canvas.height });
  } else {
    const height = Math.floor(canvas.height / cells);
    const y0 = Math.floor((canvas.height - height * cells) / 2);
    for (let i = 0; i < cells; i++) rects.push({ x: 0, y: y0 + i * height, width: canvas.width, height });
  }
  return { canvas: { ...canvas }, cells: rects };
}
