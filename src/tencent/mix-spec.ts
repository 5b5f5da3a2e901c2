import { z } from 'zod';
import { INPUT_TYPES } from './limits.js';

/**
 * The backend-neutral description of a mix: what both mix APIs take, in neither's wire names. The
 * legacy body (mix-stream-v2.ts) and the API 3.0 request (api3/common-mix-stream.ts) are built
 * from it; the layout engine's plan extends it (src/layout/plan.ts). It lives here, beside the
 * wire files that read it, because src/tencent/ imports nothing of the product (nor, through it,
 * does the simulator). Shapes only: the limits are checked by `validatePlan`.
 */

// Literals one by one, not `z.literal([...])`: the OpenAPI generator documents only the first.
const literal = <const V extends number>(value: V) => z.literal(value);
const { av, picture, canvas, audio, video } = INPUT_TYPES;

/** Pixels, or fractions of the background in [0.01, 0.99]. */
export const rectSchema = z.object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() });
export type Rect = z.infer<typeof rectSchema>;

/** One input of a mix. Absent geometry means the platform's default (the input's own size at 0,0). */
export const mixInputSchema = z.object({
  /** Stream name for types 0/4/5; a free label for canvas and picture. */
  streamId: z.string(),
  /** z-order, unique in [1,16]; 1 is the background. */
  layer: z.number().int(),
  inputType: z
    .union([literal(av), literal(picture), literal(canvas), literal(audio), literal(video)])
    .describe('0 av, 2 picture, 3 canvas, 4 audio, 5 video'),
  /** Where the (cropped) picture lands on the background: image_width/height, location_x/y. */
  rect: rectSchema.optional(),
  /** Region of the source to keep before scaling: crop_params. */
  crop: rectSchema.optional(),
  /** Canvas colour, `0xRRGGBB`. */
  color: z.string().optional(),
  /** Watermark id of a picture input. */
  pictureId: z.number().int().optional(),
});
export type MixInput = z.infer<typeof mixInputSchema>;

export const mixSpecSchema = z.object({
  outputStreamId: z.string(),
  /** 0: the output replaces one of the inputs; 1: the output is a new stream. */
  outputType: z.union([literal(0), literal(1)]),
  /** 0 = custom layout. */
  templateId: z.number().int(),
  /** kbps; absent = the platform decides. */
  bitrate: z.number().int().optional(),
  inputs: z.array(mixInputSchema),
});
export type MixSpec = z.infer<typeof mixSpecSchema>;
