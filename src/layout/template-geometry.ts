import type { Rect } from '../tencent/mix-spec.js';
import type { TemplateRect } from './layout-template.js';
import type { Size } from './plan.js';

/**
 * A template's rect on a canvas of known size, in whole pixels: fractions are scaled, and the
 * far edges rounded (not the sizes), so neighbouring slots of 1/3 each meet without a gap.
 * Plans carry pixels only, so `validatePlan` checks exactly what is sent.
 */
export function rectOnCanvas(rect: TemplateRect, canvas: Size): Rect {
  if (rect.unit !== 'fraction') {
    return { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
  }
  const x = Math.min(canvas.width - 1, Math.round(rect.x * canvas.width));
  const y = Math.min(canvas.height - 1, Math.round(rect.y * canvas.height));
  const right = Math.min(canvas.width, Math.round((rect.x + rect.width) * canvas.width));
  const bottom = Math.min(canvas.height, Math.round((rect.y + rect.height) * canvas.height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

export function area(rect: Rect): number {
  return rect.width * rect.height;
}
