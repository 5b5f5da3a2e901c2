import { fail, MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome, RawCrop, RawNumber, StartInput, StartRequest } from '../core/mix-request.js';
import { INPUT_TYPE, STREAM_INPUT_TYPES } from '../core/platform-rules.js';
import type { Rect, ResolvedInput, ResolvedLayout, Size } from './geometry-types.js';
import { templateSlotRect } from './templates.js';

/** The current resolution of a live stream (0×0 when the platform has not read it yet). */
export type StreamSizeLookup = (streamId: string) => Size | undefined;

export type LayoutResult = { ok: true; layout: ResolvedLayout } | { ok: false; outcome: MixOutcome };

/** Sub-pixel slack when comparing against the background, so fractions of odd sizes do not fail. */
const EPSILON = 1e-6;

/**
 * Resolves a start request's geometry to output pixels the way the platform does: the background
 * (layer 1) sets the output size; every other picture is placed by its own values (pixels, or
 * fractions of the background), else by the template, else at (0,0) in its own (cropped) size.
 * Fails with -28 (no background size), -507 (a stream's size unknown), -29 (crop outside the
 * source) or -2 (a picture overflows the background). Expects `checkStartRequest` to have passed.
 */
export function resolveLayout(req: StartRequest, sizeOf: StreamSizeLookup): LayoutResult {
  const byLayer = [...req.inputs].sort((a, b) => (a.layer ?? 0) - (b.layer ?? 0));
  const background = byLayer[0];
  if (background?.layer !== 1) {
    return { ok: false, outcome: fail(MIX_CODE.layer, 'no input at image_layer 1 (the background)') };
  }

  const canvasResult = backgroundSize(background, sizeOf);
  if (!canvasResult.ok) return canvasResult;
  const canvas = canvasResult.size;
  const templateId = req.templateId ?? 0;

  const inputs: ResolvedInput[] = [];
  let approximate = false;
  let slot = 0;
  for (const input of byLayer) {
    const type = input.inputType ?? INPUT_TYPE.av;
    const resolved: ResolvedInput = { streamId: input.streamId, layer: input.layer ?? 0, inputType: type };
    if (input.color !== undefined) resolved.color = input.color;
    if (input.pictureId !== undefined) resolved.pictureId = input.pictureId;

    let source: Size | undefined;
    if (STREAM_INPUT_TYPES.has(type)) {
      source = sizeOf(input.streamId);
      if (!source)
        return { ok: false, outcome: fail(MIX_CODE.inputNotFound, `${input.streamId} is not live`) };
      resolved.source = { ...source };
    }
    let crop: Rect | undefined;
    if (input.crop && source && type !== INPUT_TYPE.audio) {
      const cropResult = resolveCrop(input.streamId, input.crop, source);
      if (!cropResult.ok) return cropResult;
      crop = cropResult.rect;
      resolved.crop = crop;
    }

    if (input === background) {
      resolved.rect = { x: 0, y: 0, ...canvas };
      inputs.push(resolved);
      continue;
    }
    if (type === INPUT_TYPE.audio) {
      inputs.push(resolved);
      continue;
    }

    const fromTemplate = templateId !== 0 ? templateSlotRect(templateId, canvas, slot) : undefined;
    slot += 1;
    const ownSize: Size | undefined =
      crop ?? (type === INPUT_TYPE.canvas ? canvas : source && source.width > 0 ? source : undefined);
    const width = place(input.width, canvas.width) ?? fromTemplate?.width ?? ownSize?.width;
    const height = place(input.height, canvas.height) ?? fromTemplate?.height ?? ownSize?.height;
    if (width === undefined || height === undefined || width <= 0 || height <= 0) {
      return {
        ok: false,
        outcome: fail(
          MIX_CODE.inputSize,
          `the size of ${input.streamId} is unknown and the request gives none`,
        ),
      };
    }
    const x = place(input.x, canvas.width) ?? fromTemplate?.x ?? 0;
    const y = place(input.y, canvas.height) ?? fromTemplate?.y ?? 0;
    if (fromTemplate && (input.width === undefined || input.height === undefined || input.x === undefined)) {
      approximate = true;
    }
    if (x + width > canvas.width + EPSILON || y + height > canvas.height + EPSILON) {
      return {
        ok: false,
        outcome: fail(
          MIX_CODE.param,
          `small picture out of the background: ${input.streamId} at ${fmt(x)},${fmt(y)} size ${fmt(width)}x${fmt(height)} exceeds ${canvas.width}x${canvas.height}`,
        ),
      };
    }
    resolved.rect = {
      x: Math.round(x),
      y: Math.round(y),
      width: Math.round(width),
      height: Math.round(height),
    };
    inputs.push(resolved);
  }
  return { ok: true, layout: { canvas, inputs, approximate } };
}

function backgroundSize(
  background: StartInput,
  sizeOf: StreamSizeLookup,
): { ok: true; size: Size } | { ok: false; outcome: MixOutcome } {
  const type = background.inputType ?? INPUT_TYPE.av;
  const explicit = pixelSize(background.width, background.height);
  if (type === INPUT_TYPE.canvas || type === INPUT_TYPE.picture || type === INPUT_TYPE.audio) {
    if (!explicit) {
      return {
        ok: false,
        outcome: fail(
          MIX_CODE.backgroundSize,
          `background ${background.streamId} (input_type ${type}) needs image_width and image_height in pixels`,
        ),
      };
    }
    return { ok: true, size: explicit };
  }
  const source = sizeOf(background.streamId);
  if (!source) {
    return {
      ok: false,
      outcome: fail(MIX_CODE.backgroundSize, `background stream ${background.streamId} is not live`),
    };
  }
  if (explicit) return { ok: true, size: explicit };
  if (source.width <= 0 || source.height <= 0) {
    return {
      ok: false,
      outcome: fail(MIX_CODE.inputSize, `resolution of background stream ${background.streamId} is unknown`),
    };
  }
  return { ok: true, size: { ...source } };
}

/** Both values given in whole pixels (a fraction of the background cannot size the background). */
function pixelSize(width: RawNumber, height: RawNumber): Size | undefined {
  if (width === undefined || height === undefined || width < 1 || height < 1) return undefined;
  return { width: Math.round(width), height: Math.round(height) };
}

/** A geometry value in output pixels: fractions are taken of the background's side. */
function place(value: RawNumber, base: number): number | undefined {
  if (value === undefined) return undefined;
  return value > 0 && value < 1 ? value * base : value;
}

function resolveCrop(
  streamId: string,
  raw: RawCrop,
  source: Size,
): { ok: true; rect: Rect } | { ok: false; outcome: MixOutcome } {
  if (source.width <= 0 || source.height <= 0) {
    return {
      ok: false,
      outcome: fail(MIX_CODE.inputSize, `cannot crop ${streamId}: its resolution is unknown`),
    };
  }
  const x = raw.x ?? 0;
  const y = raw.y ?? 0;
  const rect = { x, y, width: raw.width ?? source.width - x, height: raw.height ?? source.height - y };
  if (
    rect.width <= 0 ||
    rect.height <= 0 ||
    x + rect.width > source.width ||
    y + rect.height > source.height
  ) {
    return {
      ok: false,
      outcome: fail(
        MIX_CODE.crop,
        `crop ${rect.x},${rect.y} ${rect.width}x${rect.height} of ${streamId} is outside its ${source.width}x${source.height} picture`,
      ),
    };
  }
  return { ok: true, rect };
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
