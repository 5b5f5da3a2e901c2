import { TEMPLATES } from '../tencent/limits.js';
import type { Size } from './plan.js';

/**
 * Tencent's layout templates (`mix_stream_template_id`, reference §5.1): the platform places the
 * inputs by layer, so the plan carries no rectangles. A template fits only its exact input count;
 * 390, 391 and 590 also need a canvas as layer 1, which counts as one of those inputs.
 */

const TEMPLATE_PRESET = /^template:(\d{1,6})$/;

/** The template id in a `template:<id>` preset, or undefined when the text is not of that form. */
export function parseTemplatePreset(preset: string): number | undefined {
  const match = TEMPLATE_PRESET.exec(preset);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export function templateSpec(id: number): { inputs: number; needsCanvas: boolean } | undefined {
  return Object.hasOwn(TEMPLATES, id) ? TEMPLATES[id] : undefined;
}

/** DEMO-PY's PK example draws template 390 on a 400×640 canvas; the other canvas templates are
 *  split screens, drawn on a landscape canvas. */
export function templateDefaultCanvas(id: number): Size {
  return id === 390 ? { width: 400, height: 640 } : { width: 1280, height: 720 };
}
