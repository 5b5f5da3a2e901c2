import { MAX_INPUTS, type MixLimits } from '../tencent/limits.js';
import { type LayoutTemplate, slotLabel, slotZ, type TemplateRect } from './layout-template.js';
import type { Size } from './plan.js';
import { MIN_CANVAS_SIDE } from './stage.js';

/**
 * The rules a layout template must keep before any room may use it, each broken one named with
 * where and which rule: `slots[2] (slot 2 ("right")): reaches x 1300, outside the 1280×720
 * canvas`. A template that passes gives plans `validatePlan` accepts on the same mix API (the
 * property tests hold the layout to that). The rules:
 *
 * - every slot and overlay inside the canvas (pixels), or within [0, 1] (fractions); a canvas
 *   of `"main"` size is known only once the main pushes, so its rects must be fractions;
 * - at most 16 inputs counting the canvas, a background picture, one per slot (a tile or its
 *   placeholder) and the overlays;
 * - the backend's limits: canvas sides and pixel values up to 2000 on Cloud API 3.0, 3000 on
 *   Mix_StreamV2;
 * - a unique z per slot.
 */
export interface TemplateIssue {
  path: (string | number)[];
  message: string;
}

const EPSILON = 1e-9;

export function checkTemplate(template: LayoutTemplate, limits: MixLimits): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const canvas = template.canvas === 'main' ? undefined : template.canvas;
  if (canvas) {
    for (const side of ['width', 'height'] as const) {
      const v = canvas[side];
      if (!Number.isInteger(v) || v < MIN_CANVAS_SIDE || v > limits.maxPixels) {
        issues.push({
          path: ['canvas', side],
          message: `${v} px: canvas sides are whole pixels from ${MIN_CANVAS_SIDE} to ${limits.maxPixels} on ${limits.apiName}`,
        });
      }
    }
  }

  const inputs =
    1 +
    (template.background?.pictureId !== undefined ? 1 : 0) +
    template.slots.length +
    (template.overlays?.length ?? 0);
  if (inputs > MAX_INPUTS) {
    issues.push({
      path: ['slots'],
      message:
        `${inputs} inputs (the canvas, ${template.background?.pictureId !== undefined ? 'a background picture, ' : ''}` +
        `${template.slots.length} slots, ${template.overlays?.length ?? 0} overlays): the platform mixes at most ${MAX_INPUTS}`,
    });
  }

  const zs = new Map<number, number>();
  for (const [i, slot] of template.slots.entries()) {
    const where = slotLabel(template.slots, i);
    for (const message of rectProblems(slot.rect, canvas, limits)) {
      issues.push({ path: ['slots', i, 'rect'], message: `${where}: ${message}` });
    }
    const z = slotZ(slot, i);
    const other = zs.get(z);
    if (other !== undefined) {
      issues.push({
        path: ['slots', i, 'z'],
        message: `${where}: z ${z} is also ${slotLabel(template.slots, other)}'s; each slot needs its own z`,
      });
    } else {
      zs.set(z, i);
    }
  }
  for (const [i, overlay] of (template.overlays ?? []).entries()) {
    const where =
      overlay.name === undefined ? `overlay ${i}` : `overlay ${i} (${JSON.stringify(overlay.name)})`;
    for (const message of rectProblems(overlay.rect, canvas, limits)) {
      issues.push({ path: ['overlays', i, 'rect'], message: `${where}: ${message}` });
    }
  }
  return issues;
}

/** What is wrong with a rect on this canvas (undefined: the main's size, not known yet). */
function rectProblems(rect: TemplateRect, canvas: Size | undefined, limits: MixLimits): string[] {
  const { x, y, width, height } = rect;
  if (rect.unit === 'fraction') {
    const problems: string[] = [];
    if ([x, y, width, height].some((v) => v > 1)) {
      problems.push('fractions of the canvas are within [0, 1]');
    }
    if (x + width > 1 + EPSILON) problems.push(`reaches x ${x + width}, outside the canvas (1)`);
    if (y + height > 1 + EPSILON) problems.push(`reaches y ${y + height}, outside the canvas (1)`);
    return problems;
  }
  if (!canvas) {
    return [
      'the canvas is the main\'s size, known only once it pushes: give the rect in fractions (unit "fraction")',
    ];
  }
  const problems: string[] = [];
  if (![x, y, width, height].every(Number.isInteger)) problems.push('pixel values are whole numbers');
  const big = [x, y, width, height].find((v) => v > limits.maxPixels);
  if (big !== undefined) problems.push(`${big} px is over ${limits.apiName}'s ${limits.maxPixels} px`);
  if (x + width > canvas.width) {
    problems.push(`reaches x ${x + width}, outside the ${canvas.width}×${canvas.height} canvas`);
  }
  if (y + height > canvas.height) {
    problems.push(`reaches y ${y + height}, outside the ${canvas.width}×${canvas.height} canvas`);
  }
  return problems;
}
