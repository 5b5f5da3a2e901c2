import { z } from 'zod';
import { mixInputSchema, mixSpecSchema } from '../tencent/mix-spec.js';
import type { LayoutTemplate } from './layout-template.js';

/**
 * The layout engine's vocabulary: what a room looks like (snapshot) and what should be mixed (plan).
 * Everything here is plain data, so snapshots can be stored, compared and replayed. The plan has
 * one zod schema, its types inferred: the rooms API describes it with it and the room store reads
 * it back with it (src/rooms/stored-plan.ts).
 */

export const PRESETS = ['pip', 'pk', 'grid', 'speaker', 'audio'] as const;
export type BasePreset = (typeof PRESETS)[number];
/** `template:<id>` asks for one of Tencent's template ids (10, 20, … 610); `layout:<name>` for a
 *  layout template an operator designed (src/layout/layout-template.ts). */
export const presetSchema = z.union([
  z.enum(PRESETS),
  z.templateLiteral(['template:', z.int()]),
  z.templateLiteral(['layout:', z.string()]),
]);
export type Preset = z.infer<typeof presetSchema>;

export type Role = 'main' | 'guest';
export type Media = 'av' | 'audio' | 'video';

export const sizeSchema = z.object({ width: z.number(), height: z.number() });
export type Size = z.infer<typeof sizeSchema>;

/** One live stream of a room, as the layout sees it. */
export interface SnapshotStream {
  streamId: string;
  role: Role;
  media: Media;
  /** When the stream joined the room (its push), Unix ms: orders tiles. */
  joinedAt: number;
  /** Source resolution; 0 when unknown (the push callback came before the video header). */
  width: number;
  height: number;
  /** The tile it held in the last plan; kept unless the room compacts. */
  slot?: number;
}

export interface RoomConfig {
  /** Default: `pip` when a main is live, else `grid`. */
  preset?: Preset;
  /** Output size for canvas-based presets; PiP uses the main's own size. */
  canvas?: Size;
  /** Type 0 (default): the output replaces an input, the main's stream (or the first to join).
   *  Type 1: a new stream named `streamId` (default `<room>_mix`). */
  output?: { type: 0 | 1; streamId?: string };
  /** Canvas colour (`0xRRGGBB`, default black) or a watermark picture as the background. */
  background?: { color?: string; pictureId?: number };
  /** What to do with audio-only streams: mix their sound (default), leave them out, or mix their
   *  sound and give them a tile showing `avatarPictureId`. */
  audioOnly?: 'mix' | 'exclude' | 'tile';
  /** true: tiles close up when someone leaves; false (default): everyone keeps their tile. */
  compact?: boolean;
  /** This stream is the main whatever its push said. */
  mainStreamId?: string;
  /** Only these streams are mixed (when set). */
  include?: string[];
  /** These streams are never mixed. */
  exclude?: string[];
  /** Output bitrate, kbps [1, 50000]. */
  bitrate?: number;
  /** With `audioOnly: "tile"`: the watermark picture an audio-only guest's tile shows. */
  avatarPictureId?: number;
  /** `cover` (default): crop to fill the tile; `contain`: the whole picture, letterboxed. */
  fill?: FillMode;
  /** PiP guest tiles: `source` (default) takes the guests' orientation, or force one. */
  tileOrientation?: 'source' | 'portrait' | 'landscape';
  /** This stream takes the largest place (PiP's background, speaker's tile), whatever its role. */
  spotlight?: string;
}

export type FillMode = 'cover' | 'contain';

export interface RoomSnapshot {
  roomId: string;
  config: RoomConfig;
  streams: SnapshotStream[];
  /**
   * The layout templates the config may name (`layout:<name>`), read at the edge (Redis, or
   * LAYOUTS_FILE) and passed in, so the layout stays a pure function of the snapshot.
   */
  layouts?: Readonly<Record<string, LayoutTemplate>>;
}

export const TILE_ROLES = ['main', 'guest', 'canvas', 'picture'] as const;
export type TileRole = (typeof TILE_ROLES)[number];

/** One input of a plan: the mix input plus what the layout engine knows about it. */
export const tileSchema = mixInputSchema.extend({
  role: z.enum(TILE_ROLES),
  /** Position index the stream holds (sticky slots); absent for the background. */
  slot: z.number().int().optional(),
  /**
   * The source resolution `crop` was computed from; present exactly when `crop` is, so
   * `validatePlan` can prove the crop stays inside the source (-29) from the plan alone.
   */
  source: sizeSchema.optional(),
});
export type Tile = z.infer<typeof tileSchema>;

/** The desired mix of a room. Serialisable; equal plans mean "nothing to send". */
export const mixPlanSchema = mixSpecSchema.extend({
  preset: presetSchema,
  /** The output picture's size: the canvas, or the main's resolution. */
  canvas: sizeSchema,
  inputs: z.array(tileSchema),
});
export type MixPlan = z.infer<typeof mixPlanSchema>;
