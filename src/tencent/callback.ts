import { z } from 'zod';
import { STREAM_ID_PATTERN } from './limits.js';

/**
 * CSS push (event_type 1) and disconnect (event_type 0) callbacks (reference §1.3).
 * Lenient as Tencent's schemas drift: only event_type, stream_id, t and sign are required,
 * numbers may arrive as strings, unknown fields are dropped rather than refused.
 */

export const EVENT_TYPE = { disconnect: 0, push: 1, recording: 100, snapshot: 200 } as const;

const MAX_TEXT = 4096;
/** A disconnect's reason is a line on a room's timeline, not a log: the platform's texts are short. */
export const MAX_ERRMSG = 200;
/** An integer that Tencent documents as int but that may arrive as a decimal string. */
const int = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d{1,15}$/)
    .transform(Number),
]);
const text = z.string().max(MAX_TEXT);
/** The latest Unix time in seconds whose milliseconds are still a safe integer. */
const MAX_EVENT_TIME_S = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** The part needed to authenticate a callback; checked before the rest of the body. */
export const callbackEnvelopeSchema = z.object({
  t: int,
  sign: z.string().max(128),
  event_type: int,
});
export type CallbackEnvelope = z.infer<typeof callbackEnvelopeSchema>;

export const streamCallbackSchema = z.object({
  event_type: z.union([z.literal(0), z.literal(1)]),
  t: int,
  sign: z.string().max(128),
  appid: int.optional(),
  /** Push domain. */
  app: text.optional(),
  /** Push path (AppName). */
  appname: text.optional(),
  /** Validated later: an unmixable id is still an authentic event worth recording. */
  stream_id: z.string().min(1).max(1024),
  channel_id: text.optional(),
  /** Unix seconds: refused here unless, as ms, the worker's `eventTimeMs` takes it (nonnegative, safe). */
  event_time: int.pipe(z.number().min(0).max(MAX_EVENT_TIME_S)).optional(),
  /** Exceeds 2^53: kept as the decimal string it is. */
  sequence: z
    .union([z.string().regex(/^\d{1,40}$/), z.number().int().nonnegative()])
    .transform(String)
    .optional(),
  node: text.optional(),
  user_ip: text.optional(),
  stream_param: text.optional(),
  /** Milliseconds in current docs, seconds in older ones; string or number. */
  push_duration: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d{1,15}$/)
        .transform(Number),
    ])
    .optional(),
  errcode: int.optional(),
  errmsg: text.optional(),
  set_id: int.optional(),
  /** 0 on a push callback when the video header had not arrived yet. */
  width: int.optional(),
  height: int.optional(),
  idc_id: int.optional(),
  sub_errcode: int.optional(),
});
export type StreamCallback = z.infer<typeof streamCallbackSchema>;

/**
 * A push or disconnect, normalised: what the rest of mixkeeper sees of a callback. It is the
 * `liveEvents` job's payload as is (src/queue/catalog.ts), so this schema also reads it back out
 * of Redis, from this release or the one before: add fields as optional (docs/OPERATIONS.md).
 */
export const liveEventSchema = z.object({
  kind: z.enum(['push', 'disconnect']),
  streamId: z.string().min(1).max(1024),
  /** Identifies one push; its disconnect carries the same value. '' when Tencent sent none. */
  sequence: z.string().max(40),
  /** When the platform produced the event, Unix ms (1-second resolution). */
  eventTimeMs: z.number().int().nonnegative(),
  /** When the receiver took the callback: the earliest moment the stream was known live. */
  receivedAt: z.number().int().nonnegative(),
  domain: z.string().max(MAX_TEXT),
  appName: z.string().max(MAX_TEXT),
  /** `stream_param` parsed: only the parameters mixkeeper reads (`KEPT_STREAM_PARAMS`). */
  params: z.record(z.string(), z.string()),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  /** A disconnect's reason (reference §1.5), with `subErrcode` when sent (21/102: replaced); 0 on a push. */
  errcode: z.number().int(),
  subErrcode: z.number().int().optional(),
  /** The platform's text for `errcode`, when not empty; shortened to `MAX_ERRMSG`. */
  errmsg: z.string().max(MAX_ERRMSG).optional(),
  /** Why the mix API could not take this stream id, if it cannot. */
  unmixable: z.string().optional(),
});
export type LiveEvent = z.infer<typeof liveEventSchema>;

/**
 * Parses a callback body. An unquoted `sequence` (a number past 2^53) is quoted before JSON.parse
 * so no digit is lost. Throws SyntaxError on non-JSON.
 */
export function parseCallbackJson(body: string): unknown {
  // Cheap look first: the documented body quotes it, and the regex costs as much as the parse.
  const at = body.indexOf('"sequence"');
  const quoted = at < 0 || /^"sequence"\s*:\s*"/.test(body.slice(at, at + 40));
  return JSON.parse(quoted ? body : body.replace(/("sequence"\s*:\s*)(\d+)(?=\s*[,}])/, '$1"$2"'));
}

/** `stream_param` → map; the first value of a repeated key wins; malformed escapes kept raw. */
export function parseStreamParams(raw: string | undefined): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  if (!raw) return params;
  for (const part of raw.replace(/^\?/, '').split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const key = decode(eq < 0 ? part : part.slice(0, eq));
    if (!key || key in params) continue;
    params[key] = decode(eq < 0 ? '' : part.slice(eq + 1));
  }
  return params;
}

function decode(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

/**
 * Names that look like credentials: the queue dashboard masks them in any job data it shows (jobs
 * stored by older releases may still carry them).
 */
export const CREDENTIAL_PARAM = /secret|sign|token|key|auth|passw/i;

/**
 * The push-URL parameters mixkeeper reads (src/rooms/membership.ts; `mixv2`, Tencent's auto-mix
 * hint): only these travel further. Push URLs carry whatever an app puts there (tokens, passwords,
 * `txSecret`), and none of it may reach job data, Redis or the pages.
 */
export const KEPT_STREAM_PARAMS: ReadonlySet<string> = new Set([
  'mix_room',
  'mix_role',
  'mix_media',
  'mix_layout',
  'mixv2',
]);

function keptParams(params: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(params)) if (!KEPT_STREAM_PARAMS.has(name)) delete params[name];
  return params;
}

/**
 * How far a callback's `event_time` may lie from its receive time, in ms; outside, the receive time
 * stands in. Behind: a callback is refused once its `t` (≈ event_time + the template's validity)
 * is more than the skew past, so an older time is never genuine; ahead: clock skew only. A forged
 * far-future time would otherwise pin the stream's "latest push" and make the real one look stale.
 */
export interface EventTimeWindow {
  behindMs: number;
  aheadMs: number;
}

export function eventTimeWindow(validitySeconds: number, skewSeconds: number): EventTimeWindow {
  return { behindMs: (validitySeconds + 2 * skewSeconds) * 1000, aheadMs: skewSeconds * 1000 };
}

/** Tencent's default template validity (10 min) and 30 s of skew (CALLBACK_VALIDITY_S, CALLBACK_CLOCK_SKEW_S). */
export const DEFAULT_EVENT_TIME_WINDOW = eventTimeWindow(600, 30);

/**
 * The event's time: its `event_time`; without one, the receive time; with one outside the window,
 * the receive time cut to the second as `event_time` is, so a genuine push of the same second does
 * not look older than the forged one.
 */
function eventTimeMs(eventTime: number | undefined, receivedAtMs: number, window: EventTimeWindow): number {
  const ms = eventTime === undefined ? undefined : eventTime * 1000;
  if (ms !== undefined && ms >= receivedAtMs - window.behindMs && ms <= receivedAtMs + window.aheadMs)
    return ms;
  return eventTime === undefined ? receivedAtMs : Math.floor(receivedAtMs / 1000) * 1000;
}

export function toLiveEvent(
  cb: StreamCallback,
  receivedAtMs: number,
  window: EventTimeWindow = DEFAULT_EVENT_TIME_WINDOW,
): LiveEvent {
  const errmsg = cb.errmsg?.trim().slice(0, MAX_ERRMSG);
  const event: LiveEvent = {
    kind: cb.event_type === EVENT_TYPE.push ? 'push' : 'disconnect',
    streamId: cb.stream_id,
    sequence: cb.sequence ?? '',
    eventTimeMs: eventTimeMs(cb.event_time, receivedAtMs, window),
    receivedAt: receivedAtMs,
    domain: cb.app ?? '',
    appName: cb.appname ?? '',
    params: keptParams(parseStreamParams(cb.stream_param)),
    width: Math.max(0, cb.width ?? 0),
    height: Math.max(0, cb.height ?? 0),
    errcode: cb.errcode ?? 0,
    ...(cb.sub_errcode !== undefined ? { subErrcode: cb.sub_errcode } : {}),
    ...(errmsg ? { errmsg } : {}),
  };
  if (!STREAM_ID_PATTERN.test(cb.stream_id)) {
    event.unmixable = 'stream id must be 1-80 letters, digits or underscores for the mix API';
  }
  return event;
}
