import { fail, MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome, RawNumber, StartInput, StartRequest } from '../core/mix-request.js';
import {
  ACCEPTED_INPUT_TYPES,
  COLOR_PATTERN,
  ID_PATTERN,
  INPUT_TYPE,
  MAX_BITRATE,
  MAX_CROP,
  MAX_FRACTION,
  MAX_INPUTS,
  MAX_LAYER,
  MAX_PIXELS,
  MIN_BITRATE,
  MIN_FRACTION,
  MIN_INPUTS_TO_MIX,
  TEMPLATE_TABLE,
} from '../core/platform-rules.js';

/**
 * The checks a start request fails without looking at any stream or session: the request alone is
 * wrong. Returns the first failure in the order the seed's table lists the codes, or null.
 */
export function checkStartRequest(req: StartRequest): MixOutcome | null {
  if (!req.eventId) return fail(MIX_CODE.param, 'eventId must not be 0');
  if (!req.appId) return fail(MIX_CODE.param, 'app_id must not be 0');

  if (!ID_PATTERN.test(req.sessionId)) {
    return fail(MIX_CODE.streamParam, `mix_stream_session_id ${quote(req.sessionId)} ${ID_RULE}`);
  }
  if (!ID_PATTERN.test(req.outputStreamId)) {
    return fail(MIX_CODE.streamParam, `output_stream_id ${quote(req.outputStreamId)} ${ID_RULE}`);
  }
  const outputType = req.outputType ?? 0;
  if (outputType !== 0 && outputType !== 1) {
    return fail(MIX_CODE.streamParam, `output_stream_type must be 0 or 1 (got ${req.outputType})`);
  }
  if (req.inputs.length > MAX_INPUTS) {
    return fail(MIX_CODE.streamCount, `${req.inputs.length} inputs, at most ${MAX_INPUTS}`);
  }

  for (const input of req.inputs) {
    const problem = inputParamProblem(input);
    if (problem) return fail(MIX_CODE.streamParam, problem);
  }

  const layers = new Set<number>();
  for (const input of req.inputs) {
    const layer = input.layer;
    if (layer === undefined) return fail(MIX_CODE.layer, `${input.streamId} has no image_layer`);
    if (!Number.isInteger(layer) || layer < 1 || layer > MAX_LAYER) {
      return fail(MIX_CODE.layer, `image_layer ${layer} of ${input.streamId} is outside (0, ${MAX_LAYER}]`);
    }
    if (layers.has(layer)) return fail(MIX_CODE.layer, `image_layer ${layer} is used twice`);
    layers.add(layer);
  }

  const templateProblem = templateMismatch(req);
  if (templateProblem) return fail(MIX_CODE.interfaceMismatch, templateProblem);
  for (const input of req.inputs) {
    if (input.color !== undefined && !COLOR_PATTERN.test(input.color)) {
      return fail(
        MIX_CODE.interfaceMismatch,
        `color ${quote(input.color)} of ${input.streamId} is not 0xRRGGBB`,
      );
    }
  }

  for (const input of req.inputs) {
    if (input.inputType === INPUT_TYPE.picture && !input.pictureId) {
      return fail(MIX_CODE.pictureId, `picture input ${input.streamId} has no picture_id`);
    }
  }

  if (req.inputs.length < MIN_INPUTS_TO_MIX) {
    return fail(MIX_CODE.tooFewInputs, `${req.inputs.length} input, at least ${MIN_INPUTS_TO_MIX}`);
  }

  if (req.bitrate !== undefined) {
    const b = req.bitrate;
    if (!Number.isInteger(b) || b < MIN_BITRATE || b > MAX_BITRATE) {
      return fail(MIX_CODE.bitrate, `output_stream_bitrate ${b} is outside [${MIN_BITRATE}, ${MAX_BITRATE}]`);
    }
  }

  const outputIsInput = req.inputs.some((input) => input.streamId === req.outputStreamId);
  if (outputType === 0 && !outputIsInput) {
    return fail(
      MIX_CODE.outputType,
      `output_stream_type is [0],but output_stream_id ${req.outputStreamId} is not in input stream list`,
    );
  }
  if (outputType === 1 && outputIsInput) {
    return fail(
      MIX_CODE.outputType,
      `output_stream_type is [1],but output_stream_id ${req.outputStreamId} is in input stream list`,
    );
  }
  return null;
}

const ID_RULE = 'must be 1-80 letters, digits or underscores';

function quote(s: string): string {
  return JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);
}

/** Why one input's parameters are out of range (-4), or null. */
function inputParamProblem(input: StartInput): string | null {
  if (!ID_PATTERN.test(input.streamId)) return `input_stream_id ${quote(input.streamId)} ${ID_RULE}`;
  if (!input.hasLayout) return `${input.streamId} has no layout_params`;
  const type = input.inputType ?? 0;
  if (!ACCEPTED_INPUT_TYPES.has(type))
    return `input_type ${input.inputType} of ${input.streamId} is not 0, 2, 3, 4 or 5`;
  for (const [name, value, allowZero] of [
    ['image_width', input.width, false],
    ['image_height', input.height, false],
    ['location_x', input.x, true],
    ['location_y', input.y, true],
  ] as const) {
    if (!isGeometryValue(value, allowZero)) {
      return `${name} ${value} of ${input.streamId} is neither pixels in ${allowZero ? '[0' : '(0'}, ${MAX_PIXELS}] nor a fraction in [${MIN_FRACTION}, ${MAX_FRACTION}]`;
    }
  }
  if (input.crop) {
    for (const [name, value] of [
      ['crop_width', input.crop.width],
      ['crop_height', input.crop.height],
      ['crop_x', input.crop.x],
      ['crop_y', input.crop.y],
    ] as const) {
      if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= MAX_CROP)) {
        return `${name} ${value} of ${input.streamId} is not whole pixels in [0, ${MAX_CROP}]`;
      }
    }
  }
  return null;
}

/** Absent is fine; otherwise pixels (0 only where allowed) or a fraction of the background. */
function isGeometryValue(value: RawNumber, allowZero: boolean): boolean {
  if (value === undefined) return true;
  if (!Number.isFinite(value) || value < 0) return false;
  if (value === 0) return allowZero;
  if (value < 1) return value >= MIN_FRACTION && value <= MAX_FRACTION;
  return value <= MAX_PIXELS;
}

/**
 * A template lays out a fixed number of pictures. Audio-only inputs add sound, not pictures, so
 * they do not count (DEMO-PY: "extra audio inputs allowed up to 16").
 */
function templateMismatch(req: StartRequest): string | null {
  const templateId = req.templateId ?? 0;
  if (templateId === 0) return null;
  const template = Number.isInteger(templateId) ? TEMPLATE_TABLE[templateId] : undefined;
  if (!template) return `mix_stream_template_id ${req.templateId} is not a template`;
  const pictures = req.inputs.filter((input) => (input.inputType ?? 0) !== INPUT_TYPE.audio).length;
  if (pictures !== template.inputs) {
    return `input stream num is not match the template id! (template ${templateId} lays out ${template.inputs} pictures, got ${pictures})`;
  }
  if (template.canvasBackground) {
    const background = req.inputs.find((input) => input.layer === 1);
    if ((background?.inputType ?? 0) !== INPUT_TYPE.canvas) {
      return `template ${templateId} needs a canvas (input_type 3) at image_layer 1`;
    }
  }
  return null;
}
