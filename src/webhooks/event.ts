import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The webhook event: what mixkeeper tells an app each time the platform accepts a change of a
 * room's mix. One schema for the wire format (the OpenAPI document's `webhooks` show it, so app
 * teams can generate types); the Standard Webhooks envelope `{type, timestamp, data}` plus the
 * event's own `id`, equal to its `webhook-id` header. Stream ids only: no stream parameter, secret
 * or token ever appears in a body.
 */

export const MIX_EVENT_TYPES = [
  'mix.started',
  'mix.updated',
  'mix.ended',
  'mix.failed',
  'mix.recovered',
  'room.deleted',
] as const;
export type MixEventType = (typeof MIX_EVENT_TYPES)[number];
export const mixEventTypeSchema = z.enum(MIX_EVENT_TYPES);

/** Sent by `POST /v1/webhooks/{id}/test` only; never raised by a room. */
export const TEST_EVENT_TYPE = 'webhook.test';

const pixelRectSchema = z
  .object({ x: z.number(), y: z.number(), width: z.number(), height: z.number() })
  .describe('In output pixels, origin top left');

export const viewerTileSchema = z.object({
  /** The stream's id (for a canvas or picture: its label). */
  streamId: z.string(),
  role: z.enum(['main', 'guest', 'canvas', 'picture']),
  media: z.enum(['av', 'audio', 'video', 'canvas', 'picture']),
  /** z-order in [1,16]; 1 is the background. */
  z: z.number().int(),
  /** Where the tile is drawn; absent for audio-only inputs and for inputs a platform template places. */
  rect: pixelRectSchema.optional(),
  /** The part of the source shown, in source pixels, when it is cropped. */
  crop: pixelRectSchema.optional(),
});
export type ViewerTile = z.infer<typeof viewerTileSchema>;

export const mixEventDataSchema = z.object({
  roomId: z.string(),
  /** The platform's mix session; absent for `room.deleted` and for a failure before any session. */
  sessionId: z.string().optional(),
  /** The mixed output (absent when no mix runs: `mix.ended`, `room.deleted`, most `mix.failed`). */
  output: z.object({ streamId: z.string(), width: z.number().int(), height: z.number().int() }).optional(),
  /** Every input as the viewer sees it, by z-order; empty when no mix runs. */
  tiles: z.array(viewerTileSchema),
  /** `mix.failed` only: the platform's code, its message and what to do. */
  error: z
    .object({ code: z.union([z.number(), z.string()]), message: z.string(), hint: z.string() })
    .optional(),
});
export type MixEventData = z.infer<typeof mixEventDataSchema>;

export const mixEventSchema = z.object({
  /** Stable: a re-delivery, or the same change raised again after a crash, keeps it. Dedup on it. */
  id: z.string(),
  type: mixEventTypeSchema,
  /** When the platform's answer came (ISO 8601). */
  timestamp: z.string(),
  data: mixEventDataSchema,
});
export type MixEvent = z.infer<typeof mixEventSchema>;

export const testEventSchema = z.object({
  id: z.string(),
  type: z.literal(TEST_EVENT_TYPE),
  timestamp: z.string(),
  data: z.object({ endpointId: z.string() }),
});

/**
 * An event id from what identifies the change (room, session, type, the change it follows): the
 * same change computed again after a crash gets the same id. Matches Standard Webhooks' `msg_…`
 * style: `evt_` and 32 hex characters.
 */
export function mixEventId(parts: readonly (string | number)[]): string {
  return `evt_${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 32)}`;
}
