import { z } from 'zod';
import { type MixPlan, mixPlanSchema, type Tile, tileSchema } from '../layout/plan.js';
import type { Rect } from '../tencent/mix-spec.js';

/**
 * How the applied mix's plan is stored: the plan's scalars as they are, each tile as an array
 * `[streamId, layer, inputType, role, slot, rect, crop, source, color, pictureId]` (rects as
 * `[x, y, width, height]`, sizes as `[width, height]`), absent values null and trailing ones left
 * out. As objects a tile spent ~190 bytes, most of them on key names, and the applied plan was a
 * quarter of a room's memory. Plans stored with object tiles still read. Both forms are read with
 * the plan's own schema (src/layout/plan.ts), the array's elements with its tile's fields.
 */

const tile = tileSchema.shape;
const rectTuple = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const sizeTuple = z.tuple([z.number(), z.number()]);
const absent = <T extends z.ZodType>(schema: T) => schema.nullable().optional();
// Append only: never reorder, remove or insert: stored tiles are read back by position.
const storedTileSchema = z.tuple([
  tile.streamId,
  tile.layer,
  tile.inputType,
  tile.role,
  absent(tile.slot.unwrap()),
  absent(rectTuple),
  absent(rectTuple),
  absent(sizeTuple),
  absent(tile.color.unwrap()),
  absent(tile.pictureId.unwrap()),
]);
type StoredTile = z.infer<typeof storedTileSchema>;

/** A stored plan, either form, read as a `MixPlan`. */
export const storedPlanSchema = mixPlanSchema.extend({
  inputs: z.array(z.union([storedTileSchema.transform(tileOf), tileSchema])),
});
export type StoredPlan = z.input<typeof storedPlanSchema>;

/** The plan as stored (read back by `storedPlanSchema`). */
export function storedPlan(plan: MixPlan): StoredPlan {
  return { ...plan, inputs: plan.inputs.map(storedTile) };
}

function storedTile(t: Tile): StoredTile {
  const tuple: StoredTile = [
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
  while (tuple.length > 4 && tuple.at(-1) === null) tuple.pop();
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
