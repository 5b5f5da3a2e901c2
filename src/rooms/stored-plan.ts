import { z } from 'zod';
import type { MixPlan, Tile } from '../layout/plan.js';
import type { Rect } from '../tencent/mix-stream-v2.js';

/**
 * How the applied mix's plan is stored: the plan's scalars as they are, each tile as an array
 * `[streamId, layer, inputType, role, slot, rect, crop, source, color, pictureId]` (rects as
 * `[x, y, width, height]`, sizes as `[width, height]`), absent values null and trailing ones left
 * out. As objects a tile spent ~190 bytes, most of them on key names, and the applied plan was a
 * quarter of a room's memory. Plans stored with object tiles still read.
 */

const rect = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const size = z.tuple([z.number(), z.number()]);
const storedTileSchema = z.tuple([
  z.string(),
  z.number().int(),
  z.union([z.literal(0), z.literal(2), z.literal(3), z.literal(4), z.literal(5)]),
  z.enum(['main', 'guest', 'canvas', 'picture']),
  z.number().int().nullable().optional(),
  rect.nullable().optional(),
  rect.nullable().optional(),
  size.nullable().optional(),
  z.string().nullable().optional(),
  z.number().int().nullable().optional(),
]);
type StoredTile = z.infer<typeof storedTileSchema>;

/** A stored plan, either form, read as a `MixPlan`. */
export const storedPlanSchema = z
  .custom<Omit<MixPlan, 'inputs'> & { inputs: unknown[] }>(
    (v) => typeof v === 'object' && v !== null && 'inputs' in v && Array.isArray(v.inputs),
  )
  .transform(
    (plan): MixPlan => ({
      ...plan,
      inputs: plan.inputs.map((tile) =>
        Array.isArray(tile) ? tileOf(storedTileSchema.parse(tile)) : (tile as Tile),
      ),
    }),
  );

/** The plan as stored (read back by `storedPlanSchema`). */
export function storedPlan(plan: MixPlan): Omit<MixPlan, 'inputs'> & { inputs: unknown[] } {
  return { ...plan, inputs: plan.inputs.map(storedTile) };
}

function storedTile(t: Tile): unknown[] {
  const tuple: unknown[] = [
    t.streamId,
    t.layer,
    t.inputType,
    t.role,
    t.slot ?? null,
    t.rect ? [t.rect.x, t.rect.y, t.rect.width, t.rect.height] : null,
    t.crop ? [t.crop.x, t.crop.y, t.crop.width, t.crop.height] : null,
    t.source ? [t.source.width, t.source.height] : null,
    t.color ?? null,
    t.pictureId ?? null,
  ];
  while (tuple.at(-1) === null) tuple.pop();
  return tuple;
}

function tileOf([
  streamId,
  layer,
  inputType,
  role,
  slot,
  r,
  crop,
  source,
  color,
  pictureId,
]: StoredTile): Tile {
  const asRect = ([x, y, width, height]: [number, number, number, number]): Rect => ({ x, y, width, height });
  return {
    streamId,
    layer,
    inputType,
    role,
    ...(slot != null ? { slot } : {}),
    ...(r ? { rect: asRect(r) } : {}),
    ...(crop ? { crop: asRect(crop) } : {}),
    ...(source ? { source: { width: source[0], height: source[1] } } : {}),
    ...(color != null ? { color } : {}),
    ...(pictureId != null ? { pictureId } : {}),
  };
}
