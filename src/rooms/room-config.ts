import { z } from 'zod';
import { PRESETS, type RoomConfig } from '../layout/plan.js';
import { COLOR_PATTERN, LIMITS, type MixLimits, STREAM_ID_PATTERN, TEMPLATES } from '../tencent/limits.js';
import { parsePreset } from './membership.js';

/**
 * A room's configuration as operators send it (`PUT /v1/rooms/:id`) and as it is stored. The
 * schema takes what either mix API could send; `configOverLimits` narrows it to the API in use.
 */

const streamId = z.string().regex(STREAM_ID_PATTERN, 'a stream id: 1-80 letters, digits or underscores');
const apis = Object.values(LIMITS);
const side = z
  .number()
  .int()
  .min(16)
  .max(Math.max(...apis.map((l) => l.maxPixels)));

export const roomConfigSchema = z
  .object({
    preset: z
      .string()
      .transform((value, ctx) => {
        const preset = parsePreset(value);
        if (!preset) {
          // The same list as `mixkeeper layout --preset`: the template ids Tencent defines.
          ctx.addIssue({
            code: 'custom',
            message: `${JSON.stringify(value)} is not one of ${PRESETS.join(', ')}, template:<id> (${Object.keys(TEMPLATES).join(', ')}), layout:<name>`,
          });
          return z.NEVER;
        }
        return preset;
      })
      .optional(),
    canvas: z.object({ width: side, height: side }).strict().optional(),
    output: z
      .object({ type: z.union([z.literal(0), z.literal(1)]), streamId: streamId.optional() })
      .strict()
      .optional(),
    background: z
      .object({
        color: z.string().regex(COLOR_PATTERN, 'a colour 0xRRGGBB').optional(),
        pictureId: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
    audioOnly: z.enum(['mix', 'exclude', 'tile']).optional(),
    /** With audioOnly "tile": the watermark picture an audio-only guest's tile shows. */
    avatarPictureId: z
      .number()
      .int()
      .positive()
      .max(2 ** 31 - 1)
      .optional(),
    fill: z.enum(['cover', 'contain']).optional(),
    tileOrientation: z.enum(['source', 'portrait', 'landscape']).optional(),
    spotlight: streamId.optional(),
    compact: z.boolean().optional(),
    mainStreamId: streamId.optional(),
    include: z.array(streamId).max(64).optional(),
    exclude: z.array(streamId).max(64).optional(),
    bitrate: z
      .number()
      .int()
      .min(Math.min(...apis.map((l) => l.minBitrate)))
      .max(Math.max(...apis.map((l) => l.maxBitrate)))
      .optional(),
  })
  .strict();

/** Parses a stored or submitted config into the layout engine's RoomConfig. */
export function parseRoomConfig(value: unknown): RoomConfig {
  return stripUndefined(roomConfigSchema.parse(value));
}

export interface ConfigIssue {
  path: string[];
  message: string;
}

/**
 * What a valid config asks for that the mix API in use can never send, one issue per field,
 * naming the limit: `canvas.width: at most 2000 on Cloud API 3.0`. Pixel values (the canvas) and
 * the bitrate's maximum are all a config holds that the APIs limit differently (both take 1 kbps).
 */
export function configOverLimits(config: RoomConfig, limits: MixLimits): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const side of ['width', 'height'] as const) {
    const value = config.canvas?.[side];
    if (value !== undefined && value > limits.maxPixels) {
      issues.push({ path: ['canvas', side], message: `at most ${limits.maxPixels} on ${limits.apiName}` });
    }
  }
  const { bitrate } = config;
  if (bitrate !== undefined && bitrate > limits.maxBitrate) {
    issues.push({ path: ['bitrate'], message: `at most ${limits.maxBitrate} on ${limits.apiName}` });
  }
  return issues;
}

/** zod leaves absent optionals out already; this narrows the type for exactOptionalPropertyTypes. */
function stripUndefined(config: z.output<typeof roomConfigSchema>): RoomConfig {
  return JSON.parse(JSON.stringify(config)) as RoomConfig;
}
