import type { MixLimits } from '../tencent/limits.js';
import { type Composition, compose } from './compose.js';
import type { LayoutTemplate } from './layout-template.js';
import type { SnapshotStream } from './plan.js';
import { checkTemplate } from './template-check.js';

/**
 * What a layout template looks like with `people` on air: a main and guests, all 1280×720
 * cameras, laid out exactly as a room using it would be. For the layouts page and its editor;
 * a template that breaks a rule gives no plan, with the rules it breaks as the reasons.
 */
export function previewTemplate(
  name: string,
  template: LayoutTemplate,
  people: number,
  limits: MixLimits,
): Composition {
  const issues = checkTemplate(template, limits);
  if (issues.length) return { plan: null, reasons: issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
  const streams: SnapshotStream[] = Array.from({ length: people }, (_, i) => ({
    streamId: i === 0 ? 'host' : `guest_${i}`,
    role: i === 0 ? 'main' : 'guest',
    media: 'av',
    joinedAt: i,
    width: 1280,
    height: 720,
  }));
  return compose(
    { roomId: 'preview', config: { preset: `layout:${name}` }, layouts: { [name]: template }, streams },
    limits,
  );
}
