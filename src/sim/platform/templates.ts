import type { Rect, Size } from './geometry-types.js';

/**
 * Where a template puts its pictures when the request gives no geometry of its own. Tencent
 * publishes preview images only (reference §5.1, §5.2), so these are approximations: 610 and 390
 * follow DEMO-PY's comments, the rest are plausible readings of the previews. They exist so the
 * frame SVG can show something sensible; the session view flags them as approximate.
 *
 * `slot` counts the pictures laid over the background in layer order, from 0.
 */
export function templateSlotRect(templateId: number, canvas: Size, slot: number): Rect {
  const { width: W, height: H } = canvas;
  const margin = 20;
  const small = { width: Math.round(W / 4), height: Math.round(H / 4) };
  /** A column of small pictures stacked upward from the bottom-right corner (MLVB link-mic). */
  const rightColumn = (i: number): Rect => ({
    x: W - small.width - margin,
    y: Math.max(0, H - margin - (i + 1) * small.height - i * margin),
    ...small,
  });
  switch (templateId) {
    case 10:
      return { x: margin, y: margin, ...small };
    case 20:
      return rightColumn(slot);
    case 30:
      return { x: Math.round(W / 2), y: 0, width: W - Math.round(W / 2), height: H };
    case 40:
      return { x: 0, y: Math.round(H / 2), width: W, height: H - Math.round(H / 2) };
    case 50:
      return { x: margin, y: H - small.height - margin, ...small };
    case 390:
    case 391: {
      const half = { width: Math.round(W / 2), height: Math.round(H / 2) };
      return { x: slot === 0 ? 0 : W - half.width, y: Math.round((H - half.height) / 2), ...half };
    }
    case 590: {
      const cell = { width: Math.floor(W / 2), height: Math.floor(H / 2) };
      return { x: (slot % 2) * cell.width, y: Math.floor(slot / 2) * cell.height, ...cell };
    }
    case 610: {
      const third = { width: Math.round(W / 3), height: Math.round(H / 3) };
      const positions: Array<[number, number]> = [
        [margin, margin],
        [W - margin - third.width, H - margin - third.height],
        [W - margin - third.width, margin],
        [Math.round((W - third.width) / 2), H - margin - third.height],
        [margin, H - margin - third.height],
      ];
      const [x, y] = positions[slot % positions.length] ?? [0, 0];
      return { x, y, ...third };
    }
    default:
      return rightColumn(slot);
  }
}
