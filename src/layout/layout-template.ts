import { z } from 'zod';
import { COLOR_PATTERN, LIMITS, MAX_LAYER } from '../tencent/limits.js';
import { PRESETS } from './plan.js';

/**
 * A layout an operator designs, as data (TRTC's "preset layout", LiveKit's custom templates): a
 * canvas, a background, slots that fill with people as they join, and overlays above every tile.
 * Rooms name one with `layout:<name>`. The schema takes shapes only; the rules that depend on the
 * canvas and the mix API in use (inside the canvas, 16 inputs, pixel limits, unique z) are
 * `checkTemplate`'s (template-check.ts), which names the slot and the rule.
 */

/** Names as they appear in `layout:<name>`, `mix_layout=layout_<name>` and `/v1/layouts/<name>`. */
export const LAYOUT_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

const MAX_PICTURE_ID = 2 ** 31 - 1;
const maxSide = Math.max(...Object.values(LIMITS).map((l) => l.maxPixels));

const color = z.string().regex(COLOR_PATTERN, 'a colour 0xRRGGBB');
const pictureId = z.number().int().positive().max(MAX_PICTURE_ID);

/** Pixels of the canvas (default), or fractions of it in [0, 1] (`unit: "fraction"`). */
export const templateRectSchema = z
  .object({
    x: z.number().min(0),
    y: z.number().min(0),
    width: z.number().positive(),
    height: z.number().positive(),
    unit: z.enum(['px', 'fraction']).optional(),
  })
  .strict();
export type TemplateRect = z.infer<typeof templateRectSchema>;

export const SLOT_TAKERS = ['main', 'guest', 'any'] as const;
export type SlotTaker = (typeof SLOT_TAKERS)[number];

export const templateSlotSchema = z
  .object({
    /** For people: messages and pictures say `slot 2 ("left")`. */
    name: z.string().min(1).max(40).optional(),
    rect: templateRectSchema,
    /** Stacking among slots (higher is above); default the slot's position in the list, from 1. */
    z: z.number().int().min(1).max(MAX_LAYER).optional(),
    /** Who may sit here; default `any`. */
    takes: z.enum(SLOT_TAKERS).optional(),
    /** Filling order, lowest first; default the slot's position in the list. */
    order: z.number().int().min(0).max(99).optional(),
    /** `cover` (default): crop to fill; `contain`: the whole picture, letterboxed on the canvas colour. */
    fill: z.enum(['cover', 'contain']).optional(),
    /** What an empty slot shows; default nothing (the background). */
    placeholder: z.union([z.object({ pictureId }).strict(), z.object({ color }).strict()]).optional(),
  })
  .strict();
export type TemplateSlot = z.infer<typeof templateSlotSchema>;

/** A picture (watermark id, input_type 2) above every tile: a logo, a frame. */
export const templateOverlaySchema = z
  .object({ name: z.string().min(1).max(40).optional(), pictureId, rect: templateRectSchema })
  .strict();
export type TemplateOverlay = z.infer<typeof templateOverlaySchema>;

export const layoutTemplateSchema = z
  .object({
    description: z.string().max(200).optional(),
    /** The output picture: a size, or `"main"` for the main's own size (then rects are fractions). */
    canvas: z.union([
      z
        .object({
          width: z.number().int().min(16).max(maxSide),
          height: z.number().int().min(16).max(maxSide),
        })
        .strict(),
      z.literal('main'),
    ]),
    background: z.object({ color: color.optional(), pictureId: pictureId.optional() }).strict().optional(),
    slots: z.array(templateSlotSchema).min(1).max(15),
    overlays: z.array(templateOverlaySchema).max(14).optional(),
    /** More people than slots: `"wait"` (default), the latest joiners wait; or a built-in preset. */
    whenFull: z.union([z.literal('wait'), z.object({ preset: z.enum(PRESETS) }).strict()]).optional(),
  })
  .strict();
export type LayoutTemplate = z.infer<typeof layoutTemplateSchema>;

const LAYOUT_PRESET = /^layout:([A-Za-z0-9_-]{1,64})$/;

/** The template name in a `layout:<name>` preset, or undefined when the text is not of that form. */
export function parseLayoutPreset(preset: string): string | undefined {
  return LAYOUT_PRESET.exec(preset)?.[1];
}

/** How a slot is named in messages and pictures: `slot 2 ("left")`, or `slot 2`. */
export function slotLabel(slots: readonly TemplateSlot[], index: number): string {
  const name = slots[index]?.name;
  return name === undefined ? `slot ${index}` : `slot ${index} (${JSON.stringify(name)})`;
}

/** A slot's stacking value: its `z`, else its position from 1. */
export function slotZ(slot: TemplateSlot, index: number): number {
  return slot.z ?? index + 1;
}
