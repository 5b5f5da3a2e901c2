import {
  COLOR_PATTERN,
  INPUT_TYPES,
  isGeometryValue,
  MAX_FRACTION,
  MAX_INPUTS,
  MAX_LAYER,
  MIN_FRACTION,
  MIN_INPUTS,
  MIN_LAYER,
  type MixLimits,
  STREAM_ID_PATTERN,
  VALID_INPUT_TYPES,
} from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
import type { MixPlan, Size, Tile } from './plan.js';
import { templateSpec } from './template.js';

/**
 * Refuses, before it is sent, a plan the platform would refuse, with the code the platform would
 * answer (seed error table) and a message an operator can act on. `limits` are those of the mix
 * API in use: Cloud API 3.0 refuses pixel values and bitrates the legacy CGI takes.
 *
 * Crops (-29) are checked against `tile.source`, the source size the layout engine computed the
 * crop from and carries on every cropped tile. A crop without a source is only checked for
 * being a non-empty rectangle of whole pixels.
 */
export type PlanCheck = { ok: true } | { ok: false; code: number; message: string };

const STREAM_INPUT_TYPES: ReadonlySet<number> = new Set([
  INPUT_TYPES.av,
  INPUT_TYPES.audio,
  INPUT_TYPES.video,
]);

export function validatePlan(plan: MixPlan, limits: MixLimits): PlanCheck {
  const fail = (code: number, message: string): PlanCheck => ({ ok: false, code, message });
  const inputs = plan.inputs;
  const n = inputs.length;

  if (n < 1 || n > MAX_INPUTS)
    return fail(-3, `the mix has ${n} inputs; the platform takes 1 to ${MAX_INPUTS}`);
  if (n < MIN_INPUTS) {
    return fail(-21, `the mix has one input (${inputs[0]?.streamId}); mixing needs at least ${MIN_INPUTS}`);
  }

  // -4: names, input types, sizes.
  const ids = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    if (!STREAM_ID_PATTERN.test(input.streamId)) {
      return fail(
        -4,
        `input ${i + 1} is named ${JSON.stringify(input.streamId)}: ids are 1-80 letters, digits or underscores`,
      );
    }
    if (ids.has(input.streamId)) return fail(-4, `${input.streamId} is listed twice among the inputs`);
    ids.add(input.streamId);
    if (!VALID_INPUT_TYPES.has(input.inputType)) {
      return fail(
        -4,
        `${input.streamId} has input_type ${input.inputType}; the platform takes 0, 2, 3, 4 or 5`,
      );
    }
    if (input.rect) {
      const bad = badGeometry(input.rect, limits);
      if (bad) return fail(-4, `${input.streamId}'s ${bad}`);
    }
    const source = input.source;
    if (source && (source.width > limits.maxPixels || source.height > limits.maxPixels)) {
      return fail(
        limits.inputTooLargeCode,
        `${input.streamId} is ${source.width}×${source.height}; ${limits.apiName} takes inputs of at most ${limits.maxPixels} px a side`,
      );
    }
  }
  if (!STREAM_ID_PATTERN.test(plan.outputStreamId)) {
    return fail(
      -4,
      `the output is named ${JSON.stringify(plan.outputStreamId)}: ids are 1-80 letters, digits or underscores`,
    );
  }
  if (!isPixelSize(plan.canvas, limits)) {
    return fail(
      -4,
      `the output picture is ${plan.canvas.width}×${plan.canvas.height}; each side must be 1 to ${limits.maxPixels} px on ${limits.apiName}`,
    );
  }

  // -11: one unique layer per input, within [1, 16], with a background at 1.
  const layers = new Map<number, string>();
  for (const input of inputs) {
    if (!Number.isInteger(input.layer) || input.layer < MIN_LAYER || input.layer > MAX_LAYER) {
      return fail(
        -11,
        `${input.streamId} is on layer ${input.layer}; layers are whole numbers ${MIN_LAYER} to ${MAX_LAYER}`,
      );
    }
    const other = layers.get(input.layer);
    if (other !== undefined)
      return fail(-11, `${other} and ${input.streamId} are both on layer ${input.layer}`);
    layers.set(input.layer, input.streamId);
  }
  const background = inputs.find((input) => input.layer === MIN_LAYER);
  if (!background) return fail(-11, 'no input is on layer 1, the background');

  // -20: template vs inputs, and canvas colours.
  if (plan.templateId !== 0) {
    const template = templateSpec(plan.templateId);
    if (!template) return fail(-20, `template ${plan.templateId} is not one of Tencent's template ids`);
    if (template.inputs !== n) {
      return fail(
        -20,
        `template ${plan.templateId} lays out ${template.inputs} inputs, but the mix has ${n}`,
      );
    }
    if (template.needsCanvas && background.inputType !== INPUT_TYPES.canvas) {
      return fail(
        -20,
        `template ${plan.templateId} needs a canvas on layer 1, but layer 1 is ${background.streamId}`,
      );
    }
  }
  for (const input of inputs) {
    if (
      input.inputType === INPUT_TYPES.canvas &&
      input.color !== undefined &&
      !COLOR_PATTERN.test(input.color)
    ) {
      return fail(
        -20,
        `canvas ${input.streamId} has colour ${JSON.stringify(input.color)}; colours are 0xRRGGBB`,
      );
    }
  }

  // -28: the platform must be able to tell the picture's size from layer 1.
  if (background.inputType === INPUT_TYPES.audio) {
    return fail(
      -28,
      `layer 1 is ${background.streamId}, audio only: an audio-only mix needs a canvas with a size on layer 1`,
    );
  }
  if (background.inputType === INPUT_TYPES.canvas && !background.rect) {
    return fail(-28, `canvas ${background.streamId} has no width and height`);
  }
  const bg: Size =
    background.inputType === INPUT_TYPES.canvas && background.rect ? background.rect : plan.canvas;
  if (bg.width !== plan.canvas.width || bg.height !== plan.canvas.height) {
    return fail(
      -4,
      `the plan's canvas ${plan.canvas.width}×${plan.canvas.height} differs from canvas ${background.streamId}'s ${bg.width}×${bg.height}`,
    );
  }

  // -33: a picture needs its watermark id.
  for (const input of inputs) {
    if (
      input.inputType === INPUT_TYPES.picture &&
      !(Number.isInteger(input.pictureId) && (input.pictureId ?? 0) > 0)
    ) {
      return fail(-33, `picture ${input.streamId} has no watermark picture id`);
    }
  }

  // -2: every picture inside the background.
  for (const input of inputs) {
    if (!input.rect) continue;
    const r = toPixels(input.rect, bg);
    if (r.x + r.width > bg.width || r.y + r.height > bg.height) {
      return fail(
        -2,
        `${input.streamId}'s ${r.width}×${r.height} tile at (${r.x}, ${r.y}) reaches (${r.x + r.width}, ${r.y + r.height}), ` +
          `outside the ${bg.width}×${bg.height} background`,
      );
    }
  }

  // -29: crops inside their source.
  for (const input of inputs) {
    const bad = badCrop(input, limits);
    if (bad) return fail(-29, bad);
  }

  // -111: output type vs output id.
  const streamIds = new Set(inputs.filter((i) => STREAM_INPUT_TYPES.has(i.inputType)).map((i) => i.streamId));
  if (plan.outputType === 0 && !streamIds.has(plan.outputStreamId)) {
    return fail(
      -111,
      `output type 0 replaces one of the input streams, but ${plan.outputStreamId} is not one of them`,
    );
  }
  if (plan.outputType === 1 && ids.has(plan.outputStreamId)) {
    return fail(-111, `output type 1 is a new stream, but ${plan.outputStreamId} is one of the inputs`);
  }
  if (plan.outputType !== 0 && plan.outputType !== 1) {
    return fail(-111, `output type ${String(plan.outputType)} is neither 0 nor 1`);
  }

  // -31004: bitrate.
  const { minBitrate, maxBitrate } = limits;
  if (
    plan.bitrate !== undefined &&
    !(Number.isInteger(plan.bitrate) && plan.bitrate >= minBitrate && plan.bitrate <= maxBitrate)
  ) {
    return fail(
      -31004,
      `output bitrate ${plan.bitrate} kbps is outside [${minBitrate}, ${maxBitrate}] on ${limits.apiName}`,
    );
  }
  return { ok: true };
}

function isPixelSize(size: Size, limits: MixLimits): boolean {
  return [size.width, size.height].every((v) => Number.isInteger(v) && v >= 1 && v <= limits.maxPixels);
}

/** What is wrong with a tile's numbers, or undefined. Width and height must not be 0 (seed -4: "(0, 3000)"). */
function badGeometry(rect: Rect, limits: MixLimits): string | undefined {
  for (const key of ['x', 'y', 'width', 'height'] as const) {
    const v = rect[key];
    if (!isGeometryValue(v, limits)) {
      return `${key} ${v} is neither pixels in [0, ${limits.maxPixels}] nor a fraction in [${MIN_FRACTION}, ${MAX_FRACTION}] on ${limits.apiName}`;
    }
  }
  if (rect.width === 0 || rect.height === 0) return `tile is ${rect.width}×${rect.height}; it needs a size`;
  return undefined;
}

/** Fractions are of the background (API 3.0 docs; the fraction base is unclear, reference §8). */
function toPixels(rect: Rect, bg: Size): Rect {
  const px = (v: number, base: number) => (v > 0 && v < 1 ? v * base : v);
  return {
    x: px(rect.x, bg.width),
    y: px(rect.y, bg.height),
    width: px(rect.width, bg.width),
    height: px(rect.height, bg.height),
  };
}

function badCrop(input: Tile, limits: MixLimits): string | undefined {
  const crop = input.crop;
  if (!crop) return undefined;
  const { x, y, width, height } = crop;
  const whole = [x, y, width, height].every((v) => Number.isInteger(v) && v >= 0 && v <= limits.maxPixels);
  if (!whole || width < 1 || height < 1) {
    return `${input.streamId}'s crop ${width}×${height} at (${x}, ${y}) is not a rectangle of whole pixels within [0, ${limits.maxPixels}] on ${limits.apiName}`;
  }
  const src = input.source;
  if (src && (x + width > src.width || y + height > src.height)) {
    return (
      `${input.streamId}'s crop ${width}×${height} at (${x}, ${y}) reaches (${x + width}, ${y + height}), ` +
      `outside its ${src.width}×${src.height} source`
    );
  }
  return undefined;
}
