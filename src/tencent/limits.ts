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

/** Fractions of the background, in [0.01, 0.99], are the other way to give a geometry value. */
export const MIN_FRACTION = 0.01;
export const MAX_FRACTION = 0.99;

/** The two mix APIs mixkeeper can drive (config TENCENT_MIX_BACKEND). */
export type MixBackendName = 'legacy' | 'api3';

/**
 * What one mix API accepts that the other does not (reference §4, §6.2, §6.7): Cloud API 3.0
 * refuses pixel values (layout, crop, canvas, an input's own size) over 2000 and output bitrates
 * over 10000 kbps, where the legacy CGI took 3000 and 50000. Passed to the layout engine and the
 * checks of a room config, so nothing is planned that the API in use would refuse.
 */
export interface MixLimits {
  backend: MixBackendName;
  /** The API's name in messages: `canvas.width: at most 2000 on Cloud API 3.0`. */
  apiName: string;
  /** Largest pixel value: a tile's position or size, a crop, the canvas, an input's resolution. */
  maxPixels: number;
  /** `output_stream_bitrate` / `OutputStreamBitRate`, kbps. */
  minBitrate: number;
  maxBitrate: number;
  /** What the API answers for an input larger than `maxPixels` a side (API 3.0 has a code of its own). */
  inputTooLargeCode: number;
}

export const LIMITS = {
  legacy: {
    backend: 'legacy',
    apiName: 'Mix_StreamV2',
    maxPixels: 3000,
    minBitrate: 1,
    maxBitrate: 50000,
    inputTooLargeCode: -4,
  },
  api3: {
    backend: 'api3',
    apiName: 'Cloud API 3.0',
    maxPixels: 2000,
    minBitrate: 1,
    maxBitrate: 10000,
    inputTooLargeCode: -10021,
  },
} as const satisfies Record<MixBackendName, MixLimits>;

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

/** Is `v` a valid geometry value: pixels in [0, maxPixels] or a fraction in [0.01, 0.99]? */
export function isGeometryValue(v: number, limits: MixLimits): boolean {
  if (!Number.isFinite(v) || v < 0) return false;
  if (v > 0 && v < 1) return v >= MIN_FRACTION && v <= MAX_FRACTION;
  return v <= limits.maxPixels;
}
