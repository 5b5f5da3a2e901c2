/**
 * The platform's documented limits, as data (reference §2.3, §4, §5.1; seed tables).
 * Both the client's plan validation and the docs read from here.
 */

/** Stream names, session ids and output ids: letters, digits and underscore, at most 80 bytes. */
export const STREAM_ID_PATTERN = /^[A-Za-z0-9_]{1,80}$/;

export const MIN_INPUTS = 2;
export const MAX_INPUTS = 16;
export const MIN_LAYER = 1;
export const MAX_LAYER = 16;

/** `input_type` values: 0 audio+video, 2 picture, 3 canvas, 4 audio only, 5 video only. */
export const INPUT_TYPES = { av: 0, picture: 2, canvas: 3, audio: 4, video: 5 } as const;
export type InputType = (typeof INPUT_TYPES)[keyof typeof INPUT_TYPES];
export const VALID_INPUT_TYPES: ReadonlySet<number> = new Set(Object.values(INPUT_TYPES));

/** Geometry values are pixels in [0, 3000] or fractions of the background in [0.01, 0.99]. */
export const MAX_PIXELS = 3000;
export const MIN_FRACTION = 0.01;
export const MAX_FRACTION = 0.99;

/** `output_stream_bitrate` (kbps). */
export const MIN_BITRATE = 1;
export const MAX_BITRATE = 50000;

/** Template id → the number of inputs it lays out; `needsCanvas`: layer 1 must be a canvas. */
export const TEMPLATES: Readonly<Record<number, { inputs: number; needsCanvas: boolean }>> = {
  10: { inputs: 2, needsCanvas: false },
  20: { inputs: 2, needsCanvas: false },
  30: { inputs: 2, needsCanvas: false },
  40: { inputs: 2, needsCanvas: false },
  50: { inputs: 2, needsCanvas: false },
  310: { inputs: 3, needsCanvas: false },
  390: { inputs: 3, needsCanvas: true },
  391: { inputs: 3, needsCanvas: true },
  410: { inputs: 4, needsCanvas: false },
  510: { inputs: 5, needsCanvas: false },
  590: { inputs: 5, needsCanvas: true },
  610: { inputs: 6, needsCanvas: false },
};

/** Canvas colours Tencent lists; any `0xRRGGBB` is accepted. */
export const COLOR_PATTERN = /^0x[0-9A-Fa-f]{6}$/;

/** Is `v` a valid geometry value: pixels in [0, 3000] or a fraction in [0.01, 0.99]? */
export function isGeometryValue(v: number): boolean {
  if (!Number.isFinite(v) || v < 0) return false;
  if (v > 0 && v < 1) return v >= MIN_FRACTION && v <= MAX_FRACTION;
  return v <= MAX_PIXELS;
}
