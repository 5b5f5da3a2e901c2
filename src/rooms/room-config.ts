import { z } from 'zod';
import type { RoomConfig } from '../layout/plan.js';
import { COLOR_PATTERN, MAX_BITRATE, MIN_BITRATE, STREAM_ID_PATTERN } from '../tencent/limits.js';
import { parsePreset } from './membership.js';

/** A room's configuration as operators send it (`PUT /v1/rooms/:id`) and as it is stored. */

const streamId = z.string().regex(STREAM_ID_PATTERN, 'a stream id: 1-80 letters, digits or underscores');
const side = z.number().int().min(16).max(3000);

export const roomConfigSchema = z
  .object({
    preset: z
      .string()
      .transform((value, ctx) => {
        const preset = parsePreset(value);
        if (!preset) {
          ctx.addIssue({ code: 'custom', message: 'one of pip, pk, grid, speaker, audio, template:<id>' });
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
    audioOnly: z.enum(['mix', 'exclude']).optional(),
    compact: z.boolean().optional(),
    mainStreamId: streamId.optional(),
    include: z.array(streamId).max(64).optional(),
    exclude: z.array(streamId).max(64).optional(),
    bitrate: z.number().int().min(MIN_BITRATE).max(MAX_BITRATE).optional(),
  })
  .strict();

/** Parses a stored or submitted config into the layout engine's RoomConfig. */
export function parseRoomConfig(value: unknown): RoomConfig {
  return stripUndefined(roomConfigSchema.parse(value));
}

/** zod leaves absent optionals out already; this narrows the type for exactOptionalPropertyTypes. */
function stripUndefined(config: z.output<typeof roomConfigSchema>): RoomConfig {
  return JSON.parse(JSON.stringify(config)) as RoomConfig;
}
