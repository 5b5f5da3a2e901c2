import { z } from 'zod';
import { COLOR_PATTERN, LIMITS, MAX_INPUTS, MAX_LAYER, MIN_LAYER, STREAM_ID_PATTERN } from '../limits.js';
import type { MixInput, MixSpec } from '../mix-spec.js';

/**
 * `CreateCommonMixStream` and `CancelCommonMixStream` (reference §6.2–6.3): the request and
 * response schemas (types inferred) and the mapping from a `MixSpec` — the same backend-neutral
 * description the legacy body is built from, so both backends send the same picture.
 */

/** API 3.0 layout and crop values: pixels in [0, 2000] or a fraction of the background in [0.01, 0.99]. */
export const API3_MAX_PIXELS = LIMITS.api3.maxPixels;
const geometry = z
  .number()
  .refine(
    (v) => (v >= 1 && v <= API3_MAX_PIXELS) || v === 0 || (v >= 0.01 && v <= 0.99),
    `pixels in [0, ${API3_MAX_PIXELS}] or a fraction in [0.01, 0.99]`,
  );
const pixels = z.number().int().min(0).max(API3_MAX_PIXELS);
const flag = z.literal([0, 1]);

export const commonMixLayoutParamsSchema = z.strictObject({
  /** Unique in [1, 16]; 1 is the background. */
  ImageLayer: z.number().int().min(MIN_LAYER).max(MAX_LAYER),
  /** 0 audio+video (default), 2 picture, 3 canvas, 4 audio only, 5 video only, 8 web sticker. */
  InputType: z.literal([0, 2, 3, 4, 5, 8]).optional(),
  ImageWidth: geometry.optional(),
  ImageHeight: geometry.optional(),
  LocationX: geometry.optional(),
  LocationY: geometry.optional(),
  /** Canvas colour `0xRRGGBB` (type 3). */
  Color: z.string().regex(COLOR_PATTERN).optional(),
  /** The picture (watermark) id of a type 2 input. */
  WatermarkId: z.number().int().positive().optional(),
  WebPageUrl: z.string().optional(),
});

/** Source pixels kept before scaling; must stay inside the source. */
export const commonMixCropParamsSchema = z.strictObject({
  CropWidth: pixels.optional(),
  CropHeight: pixels.optional(),
  CropStartLocationX: pixels.optional(),
  CropStartLocationY: pixels.optional(),
});

export const commonMixInputParamSchema = z.strictObject({
  /** The stream name for types 0/4/5; a free label for canvas and picture. */
  InputStreamName: z.string().regex(STREAM_ID_PATTERN),
  LayoutParams: commonMixLayoutParamsSchema,
  CropParams: commonMixCropParamsSchema.optional(),
  PortraitSegmentParams: z.strictObject({ Color: z.string().optional() }).optional(),
});

export const commonMixOutputParamsSchema = z.strictObject({
  OutputStreamName: z.string().regex(STREAM_ID_PATTERN),
  /** 0: the output is one of the inputs (default); 1: a new stream. */
  OutputStreamType: flag.optional(),
  /** kbps, presumably; API 3.0 documents [1, 10000] (the legacy CGI took up to 50000). */
  OutputStreamBitRate: z.number().int().min(LIMITS.api3.minBitrate).max(LIMITS.api3.maxBitrate).optional(),
  OutputStreamGop: z.number().int().min(1).max(10).optional(),
  OutputStreamFrameRate: z.number().int().min(1).max(60).optional(),
  OutputAudioBitRate: z.number().int().min(1).max(500).optional(),
  OutputAudioSampleRate: z
    .literal([96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000])
    .optional(),
  OutputAudioChannels: z.number().int().min(1).max(2).optional(),
  MixSei: z.string().optional(),
});

export const commonMixControlParamsSchema = z.strictObject({
  /** 1: centre-crop every source to its layer's aspect instead of letterboxing it. */
  UseMixCropCenter: flag.optional(),
  AllowCopy: flag.optional(),
  PassInputSei: flag.optional(),
  UsePictureTransparent: flag.optional(),
});

export const createCommonMixStreamRequestSchema = z.strictObject({
  MixStreamSessionId: z.string().regex(STREAM_ID_PATTERN),
  InputStreamList: z.array(commonMixInputParamSchema).min(1).max(MAX_INPUTS),
  OutputParams: commonMixOutputParamsSchema,
  /** 0 / absent = custom layout. */
  MixStreamTemplateId: z.number().int().min(0).optional(),
  ControlParams: commonMixControlParamsSchema.optional(),
});
export type CreateCommonMixStreamRequest = z.infer<typeof createCommonMixStreamRequestSchema>;
export type CommonMixInputParam = z.infer<typeof commonMixInputParamSchema>;

export const cancelCommonMixStreamRequestSchema = z.strictObject({
  MixStreamSessionId: z.string().min(1),
});
export type CancelCommonMixStreamRequest = z.infer<typeof cancelCommonMixStreamRequestSchema>;

/** Both actions answer only a request id on success. */
export const commonMixStreamResponseSchema = z.object({ Response: z.object({ RequestId: z.string() }) });
export type CommonMixStreamResponse = z.infer<typeof commonMixStreamResponseSchema>;

/**
 * Does the mix ask for cover fit? Yes when some input carries a crop cut to its tile's aspect (to
 * within the rounding of one source pixel): the only reason a crop has exactly its tile's shape is
 * the layout engine's cover fit (src/layout/cover-fit.ts), which crops a source whose aspect differs
 * from its tile instead of letting the platform letterbox it. Tiles placed as fractions are not
 * compared (their pixel size depends on the background).
 */
export function asksForCoverFit(spec: Pick<MixSpec, 'inputs'>): boolean {
  return spec.inputs.some((input) => {
    const { rect, crop } = input;
    if (!rect || !crop || rect.width < 1 || rect.height < 1 || crop.width < 1 || crop.height < 1)
      return false;
    // coverCrop rounds the trimmed side to whole pixels: |cw·th − ch·tw| ≤ max(tw, th) / 2.
    const skew = Math.abs(crop.width * rect.height - crop.height * rect.width);
    return skew <= Math.max(rect.width, rect.height) / 2;
  });
}

function inputParam(input: MixInput): CommonMixInputParam {
  const layout: CommonMixInputParam['LayoutParams'] = { ImageLayer: input.layer };
  if (input.inputType !== 0) layout.InputType = input.inputType;
  if (input.rect) {
    layout.ImageWidth = input.rect.width;
    layout.ImageHeight = input.rect.height;
    layout.LocationX = input.rect.x;
    layout.LocationY = input.rect.y;
  }
  if (input.color !== undefined) layout.Color = input.color;
  if (input.pictureId !== undefined) layout.WatermarkId = input.pictureId;
  return {
    InputStreamName: input.streamId,
    LayoutParams: layout,
    ...(input.crop
      ? {
          CropParams: {
            CropWidth: input.crop.width,
            CropHeight: input.crop.height,
            CropStartLocationX: input.crop.x,
            CropStartLocationY: input.crop.y,
          },
        }
      : {}),
  };
}

/**
 * The CreateCommonMixStream body for a mix. Explicit crops are sent as they are, so the picture is
 * the one the legacy backend would mix; a mix that asks for cover fit also gets
 * `ControlParams.UseMixCropCenter = 1`. The platform's centre crop of a crop that already has its
 * tile's aspect changes nothing, and inputs whose resolution was not known when the plan was made
 * (hence no crop) are then centre-cropped by the platform rather than letterboxed.
 */
export function createMixStreamRequest(sessionId: string, spec: MixSpec): CreateCommonMixStreamRequest {
  return {
    MixStreamSessionId: sessionId,
    InputStreamList: spec.inputs.map(inputParam),
    OutputParams: {
      OutputStreamName: spec.outputStreamId,
      OutputStreamType: spec.outputType,
      ...(spec.bitrate !== undefined ? { OutputStreamBitRate: spec.bitrate } : {}),
    },
    ...(spec.templateId ? { MixStreamTemplateId: spec.templateId } : {}),
    ...(asksForCoverFit(spec) ? { ControlParams: { UseMixCropCenter: 1 as const } } : {}),
  };
}

/** CancelCommonMixStream needs only the session id (no output id, unlike the legacy cancel). */
export function cancelMixStreamRequest(sessionId: string): CancelCommonMixStreamRequest {
  return { MixStreamSessionId: sessionId };
}
