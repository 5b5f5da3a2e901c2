import type { Size } from './plan.js';
import type { Stage } from './stage.js';

/**
 * Speaker view: slot 0 (the main, or the earliest joiner) is one large tile; everyone else sits
 * in a filmstrip along the bottom. The strip is a fifth of the canvas high and holds at least
 * five thumbnails, each then at the canvas's own aspect; more guests make the thumbnails narrower.
 * With nobody in the strip the speaker fills the canvas.
 */
export const SPEAKER_DEFAULT_CANVAS: Size = { width: 1280, height: 720 };
export const FILMSTRIP_MIN_CELLS = 5;

export function speakerStage(canvas: Size, cells: number): Stage {
  if (cells <= 0) return { canvas: { ...canvas }, cells: [] };
  if (cells === 1) return { canvas: { ...canvas }, cells: [{ x: 0, y: 0, ...canvas }] };
  const stripHeight = Math.floor(canvas.height / FILMSTRIP_MIN_CELLS);
  const stageHeight = canvas.height - stripHeight;
  const thumbs = Math.max(FILMSTRIP_MIN_CELLS, cells - 1);
  const thumbWidth = Math.floor(canvas.width / thumbs);
  const x0 = Math.floor((canvas.width - thumbWidth * thumbs) / 2);
  const rects = [{ x: 0, y: 0, width: canvas.width, height: stageHeight }];
  for (let i = 0; i < cells - 1; i++) {
    rects.push({ x: x0 + i * thumbWidth, y: stageHeight, width: thumbWidth, height: stripHeight });
  }
  return { canvas: { ...canvas }, cells: rects };
}
