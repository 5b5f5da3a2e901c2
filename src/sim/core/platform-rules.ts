/**
 * The platform's rules as the simulator reads them from the seed (doc 267/8832) and the reference
 * (§2.3, §4, §5.1). Deliberately NOT imported from src/tencent/limits.ts: the client validates
 * against that table, and a mistake there must show up here as a rejection, not be shared.
 */

/** Session ids, output ids and stream inputs: letters, digits, underscore, at most 80 bytes. */
export const ID_PATTERN = /^[A-Za-z0-9_]{1,80}$/;

/** `input_stream_list` length the CGI accepts at all, and the fewest it will mix. */
export const MAX_INPUTS = 16;
export const MIN_INPUTS_TO_MIX = 2;

/** `image_layer`: z-order, unique, within (0, 16]. */
export const MAX_LAYER = 16;

export const INPUT_TYPE = { av: 0, picture: 2, canvas: 3, audio: 4, video: 5 } as const;
/** Input types that name a pushed stream, which must be live (and ready) to be mixed. */
export const STREAM_INPUT_TYPES: ReadonlySet<number> = new Set([
  INPUT_TYPE.av,
  INPUT_TYPE.audio,
  INPUT_TYPE.video,
]);
export const ACCEPTED_INPUT_TYPES: ReadonlySet<number> = new Set(Object.values(INPUT_TYPE));

/** Geometry: pixels up to 3000, or a fraction of the background in [0.01, 0.99]. */
export const MAX_PIXELS = 3000;
export const MIN_FRACTION = 0.01;
export const MAX_FRACTION = 0.99;
/** Crop values are source pixels in [0, 3000]. */
export const MAX_CROP = 3000;

/** `output_stream_bitrate` in [1, 50000]. */
export const MIN_BITRATE = 1;
export const MAX_BITRATE = 50000;

/**
 * API 3.0 limits tighter than the legacy CGI's 3000 px and 50000 (reference §4, §6.2, §6.7): input
 * resolution, layout and crop values at most 2000 px, `OutputStreamBitRate` in [1, 10000].
 */
export const API3_MAX_PIXELS = 2000;
export const API3_BITRATE = { min: 1, max: 10000 } as const;

/** Canvas colour `0xRRGGBB`. */
export const COLOR_PATTERN = /^0x[0-9A-Fa-f]{6}$/;

/**
 * Template id → how many picture inputs it lays out; `canvasBackground`: layer 1 must be a canvas
 * (the split-screen templates 390, 391, 590). The client's own copy is `TEMPLATES` in
 * src/tencent/limits.ts; this one stays separate on purpose (see the top of this file).
 */
export const TEMPLATE_TABLE: Readonly<Record<number, { inputs: number; canvasBackground: boolean }>> = {
  10: { inputs: 2, canvasBackground: false },
  20: { inputs: 2, canvasBackground: false },
  30: { inputs: 2, canvasBackground: false },
  40: { inputs: 2, canvasBackground: false },
  50: { inputs: 2, canvasBackground: false },
  310: { inputs: 3, canvasBackground: false },
  390: { inputs: 3, canvasBackground: true },
  391: { inputs: 3, canvasBackground: true },
  410: { inputs: 4, canvasBackground: false },
  510: { inputs: 5, canvasBackground: false },
  590: { inputs: 5, canvasBackground: true },
  610: { inputs: 6, canvasBackground: false },
};

/** Platform durations, in platform milliseconds (the clock scales them). */
export const PLATFORM_MS = {
  /** A push is mixable this long after it went live ("wait 5 s after push"). */
  readyDelay: 5000,
  /** A session should not be cancelled sooner than this after its last start, create or update. */
  cancelMinAge: 5000,
  /** A cancelled session id should not be started again sooner than this ("half a minute"). */
  sessionReuse: 30000,
  /** "Don't call too often": at most one start per session within this interval. */
  sessionStartInterval: 1000,
  /** Window of the account-wide rate limits below. */
  rateWindow: 1000,
  /** A callback unanswered for this long counts as failed. */
  callbackTimeout: 20000,
  /** Spacing of callback retries. */
  callbackRetryInterval: 60000,
  /** A session whose every input stream is gone is cancelled after this (FAQ 6/12). */
  abandonedSessionCancel: 15 * 60 * 1000,
  /** How long after a replacing push the old push's disconnect is sent. */
  replacedDisconnectDelay: 1000,
} as const;

/** Account-wide limits per `rateWindow`: CreateCommonMixStream 200/s, Cancel 100/s. */
export const MAX_STARTS_PER_WINDOW = 200;
export const MAX_CANCELS_PER_WINDOW = 100;

/** Callback retries after the first attempt (current docs: 12, a minute apart). */
export const CALLBACK_RETRIES = 12;
/** A callback's `t` is an expiry this far ahead of its send time. Real seconds: never scaled. */
export const CALLBACK_VALIDITY_S = 600;
