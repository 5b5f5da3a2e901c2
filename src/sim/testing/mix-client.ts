import { md5Sign } from '../../tencent/md5-sign.js';

/**
 * Calls the simulator's legacy CGI the way a client would, for tests: a signed query and a
 * snake_case body. Deliberately small and independent of the service's mix backend, so error-code
 * tests can send bodies that no correct client would build.
 */

export interface MixAuth {
  appId: number;
  mixKey: string;
}

export interface QueryOverrides {
  /** Expiry, Unix seconds; default now + 60. */
  t?: number;
  /** Replaces the computed sign. */
  sign?: string;
  /** Replaces the appid in the query. */
  appid?: string;
  /** Replaces `interface` in the query. */
  interface?: string;
}

function signedMixUrl(mixUrl: string, auth: MixAuth, overrides: QueryOverrides = {}): string {
  const t = overrides.t ?? Math.floor(Date.now() / 1000) + 60;
  const url = new URL(mixUrl);
  url.searchParams.set('appid', overrides.appid ?? String(auth.appId));
  url.searchParams.set('interface', overrides.interface ?? 'Mix_StreamV2');
  url.searchParams.set('t', String(t));
  url.searchParams.set('sign', overrides.sign ?? md5Sign(auth.mixKey, t));
  return url.toString();
}

export interface MixAnswer {
  status: number;
  text: string;
  /** The JSON answer, when it was JSON. */
  json?: { code: number; message: string; timestamp: number; event_id?: string };
}

export async function postMix(
  mixUrl: string,
  auth: MixAuth,
  body: unknown,
  options: QueryOverrides & { signal?: AbortSignal } = {},
): Promise<MixAnswer> {
  const response = await fetch(signedMixUrl(mixUrl, auth, options), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  try {
    return { status: response.status, text, json: JSON.parse(text) };
  } catch {
    return { status: response.status, text };
  }
}

let eventCounter = 10_000_000;

/** A Mix_StreamV2 envelope around `para` (app_id filled in unless `para` sets it). */
export function mixBody(
  appId: number,
  para: Record<string, unknown>,
  envelope: Record<string, unknown> = {},
) {
  eventCounter += 1;
  return {
    timestamp: Math.floor(Date.now() / 1000),
    eventId: eventCounter,
    ...envelope,
    interface: { interfaceName: 'Mix_StreamV2', para: { app_id: appId, ...para } },
  };
}

export interface TileSpec {
  id: string;
  layer: number;
  /** image_width, image_height, location_x, location_y and any other layout_params. */
  layout?: Record<string, unknown>;
  crop?: Record<string, unknown>;
}

export function startPara(
  sessionId: string,
  outputStreamId: string,
  tiles: TileSpec[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    interface: 'mix_streamv2.start_mix_stream_advanced',
    mix_stream_session_id: sessionId,
    output_stream_id: outputStreamId,
    output_stream_type: 0,
    input_stream_list: tiles.map((tile) => ({
      input_stream_id: tile.id,
      layout_params: { image_layer: tile.layer, ...tile.layout },
      ...(tile.crop ? { crop_params: tile.crop } : {}),
    })),
    ...extra,
  };
}

export function cancelPara(sessionId: string, outputStreamId: string): Record<string, unknown> {
  return {
    interface: 'mix_streamv2.cancel_mix_stream',
    mix_stream_session_id: sessionId,
    output_stream_id: outputStreamId,
  };
}
