import { z } from 'zod';
import { md5Sign } from './md5-sign.js';
import type { MixInput, MixSpec } from './mix-spec.js';

/**
 * The legacy Mix_StreamV2 CGI (`common_access`, seed doc 267/8832): request URL, start and cancel
 * bodies, and the response. The request side is built from a `MixSpec` (mix-spec.ts).
 */

export const MIX_STREAM_V2 = {
  interfaceName: 'Mix_StreamV2',
  start: 'mix_streamv2.start_mix_stream_advanced',
  cancel: 'mix_streamv2.cancel_mix_stream',
} as const;

/** The docs ask for an expiry a minute ahead of now. */
export const REQUEST_VALIDITY_S = 60;

export function mixRequestUrl(baseUrl: string, appId: number, key: string, nowMs: number): string {
  const t = Math.floor(nowMs / 1000) + REQUEST_VALIDITY_S;
  const url = new URL(baseUrl);
  url.searchParams.set('appid', String(appId));
  url.searchParams.set('interface', MIX_STREAM_V2.interfaceName);
  url.searchParams.set('t', String(t));
  url.searchParams.set('sign', md5Sign(key, t));
  return url.toString();
}

/** `eventId` is int32 and must not be 0; derived from the clock unless given. */
export interface RequestMeta {
  appId: number;
  sessionId: string;
  nowMs: number;
  eventId?: number;
}

function envelope<P extends object>(meta: RequestMeta, para: P) {
  const timestamp = Math.floor(meta.nowMs / 1000);
  return {
    timestamp,
    eventId: meta.eventId ?? (meta.nowMs % 2_000_000_000) + 1,
    interface: {
      interfaceName: MIX_STREAM_V2.interfaceName,
      para: { app_id: meta.appId, mix_stream_session_id: meta.sessionId, ...para },
    },
  };
}

function layoutParams(input: MixInput): Record<string, number | string> {
  const p: Record<string, number | string> = { image_layer: input.layer };
  if (input.inputType !== 0) p.input_type = input.inputType;
  if (input.rect) {
    p.image_width = input.rect.width;
    p.image_height = input.rect.height;
    p.location_x = input.rect.x;
    p.location_y = input.rect.y;
  }
  if (input.color !== undefined) p.color = input.color;
  if (input.pictureId !== undefined) p.picture_id = input.pictureId;
  return p;
}

export function startBody(spec: MixSpec, meta: RequestMeta) {
  return envelope(meta, {
    interface: MIX_STREAM_V2.start,
    output_stream_id: spec.outputStreamId,
    output_stream_type: spec.outputType,
    ...(spec.templateId ? { mix_stream_template_id: spec.templateId } : {}),
    ...(spec.bitrate !== undefined ? { output_stream_bitrate: spec.bitrate } : {}),
    input_stream_list: spec.inputs.map((input) => ({
      input_stream_id: input.streamId,
      layout_params: layoutParams(input),
      ...(input.crop
        ? {
            crop_params: {
              crop_width: input.crop.width,
              crop_height: input.crop.height,
              crop_x: input.crop.x,
              crop_y: input.crop.y,
            },
          }
        : {}),
    })),
  });
}

export function cancelBody(outputStreamId: string, meta: RequestMeta) {
  return envelope(meta, { interface: MIX_STREAM_V2.cancel, output_stream_id: outputStreamId });
}

export type StartBody = ReturnType<typeof startBody>;
export type CancelBody = ReturnType<typeof cancelBody>;

/** The CGI answers `{"code":0,"message":"Success!","timestamp":…}`; `event_id` is sometimes a string. */
export const mixResponseSchema = z.object({
  code: z.coerce.number().int(),
  message: z.string().optional().default(''),
  timestamp: z.coerce.number().optional(),
  event_id: z.union([z.string(), z.number()]).optional(),
});
export type MixResponse = z.infer<typeof mixResponseSchema>;

/**
 * Reads the CGI's answer. Anything that is not the documented JSON (e.g. the plain-text
 * `time expired` seen when the query's `t` has passed) comes back as `{ok:false, raw}`.
 */
export function parseMixResponse(
  text: string,
): { ok: true; response: MixResponse } | { ok: false; raw: string } {
  try {
    const parsed = mixResponseSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { ok: true, response: parsed.data };
  } catch {
    // not JSON: fall through
  }
  return { ok: false, raw: text.slice(0, 200) };
}
