import { fail, MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome, MixRequest, RawNumber } from '../core/mix-request.js';
import { asObject, type InputNames, readJsonBody, readStartInput } from '../core/raw-input.js';
import type { Api3Error } from './errors.js';

/**
 * Parses the API 3.0 mix bodies (PascalCase, reference §6.2–6.3) into the platform core's
 * `MixRequest`, keeping values raw so the shared checks decide the codes. Parameters the API does
 * not know are refused with `UnknownParameter`, as Cloud API 3.0 does — a misspelt field would
 * otherwise be silently ignored. The account (`appId`) is the one the SecretId belongs to; API 3.0
 * has no event id, so the front-end numbers requests itself.
 */

/** Where an API 3.0 input keeps each field. */
const INPUT_NAMES: InputNames = {
  streamId: 'InputStreamName',
  layout: {
    key: 'LayoutParams',
    layer: 'ImageLayer',
    inputType: 'InputType',
    width: 'ImageWidth',
    height: 'ImageHeight',
    x: 'LocationX',
    y: 'LocationY',
    color: 'Color',
    pictureId: 'WatermarkId',
  },
  crop: {
    key: 'CropParams',
    width: 'CropWidth',
    height: 'CropHeight',
    x: 'CropStartLocationX',
    y: 'CropStartLocationY',
  },
};

const KNOWN = {
  create: ['MixStreamSessionId', 'InputStreamList', 'OutputParams', 'MixStreamTemplateId', 'ControlParams'],
  input: ['InputStreamName', 'LayoutParams', 'CropParams', 'PortraitSegmentParams'],
  layout: [
    'ImageLayer',
    'InputType',
    'ImageWidth',
    'ImageHeight',
    'LocationX',
    'LocationY',
    'Color',
    'WatermarkId',
    'WebPageUrl',
  ],
  crop: ['CropWidth', 'CropHeight', 'CropStartLocationX', 'CropStartLocationY'],
  output: [
    'OutputStreamName',
    'OutputStreamType',
    'OutputStreamBitRate',
    'OutputStreamGop',
    'OutputStreamFrameRate',
    'OutputAudioBitRate',
    'OutputAudioSampleRate',
    'OutputAudioChannels',
    'MixSei',
  ],
  control: ['UseMixCropCenter', 'AllowCopy', 'PassInputSei', 'UsePictureTransparent'],
  cancel: ['MixStreamSessionId'],
} as const;

export type Api3Parse = {
  sessionId: string | null;
  outputStreamId: string | null;
  /** The body as JSON, or its text (cut) when it was not JSON. */
  body: unknown;
} & (
  | { ok: true; request: MixRequest }
  /** A legacy outcome, worded by api3ErrorFor. */
  | { ok: false; outcome: MixOutcome }
  /** An API 3.0-only refusal (UnknownParameter, MissingParameter). */
  | { ok: false; error: Api3Error }
);

export interface Api3ParseContext {
  appId: number;
  /** Non-zero; the platform core requires one. */
  eventId: number;
}

export function parseApi3MixBody(op: 'start' | 'cancel', text: string, context: Api3ParseContext): Api3Parse {
  const read = readJsonBody(text);
  if (!read.json)
    return { ok: false, sessionId: null, outputStreamId: null, body: read.body, outcome: read.outcome };
  const { body } = read;
  const root = asObject(body);
  const sessionId = root?.MixStreamSessionId !== undefined ? asText(root.MixStreamSessionId) : null;
  const output = asObject(root?.OutputParams);
  const outputStreamId = output?.OutputStreamName !== undefined ? asText(output.OutputStreamName) : null;
  const base = { sessionId, outputStreamId, body };
  if (!root) return { ...base, ok: false, outcome: fail(MIX_CODE.parse, 'the body is not a JSON object') };

  const unknown = unknownParameter(op, root);
  if (unknown) {
    return {
      ...base,
      ok: false,
      error: { Code: 'UnknownParameter', Message: `The parameter \`${unknown}\` is not recognized.` },
    };
  }
  if (sessionId === null) {
    return {
      ...base,
      ok: false,
      error: {
        Code: 'MissingParameter',
        Message: 'The request is missing a required parameter `MixStreamSessionId`.',
      },
    };
  }
  const common = { appId: context.appId, eventId: context.eventId, sessionId };
  if (op === 'cancel') {
    // API 3.0 cancels name only the session; the caller fills in its output.
    return { ...base, ok: true, request: { op: 'cancel', ...common, outputStreamId: '' } };
  }

  const list = root.InputStreamList;
  if (!Array.isArray(list) || list.length === 0) {
    return { ...base, ok: false, outcome: fail(MIX_CODE.parse, 'InputStreamList is empty') };
  }
  if (!output) {
    return {
      ...base,
      ok: false,
      error: {
        Code: 'MissingParameter',
        Message: 'The request is missing a required parameter `OutputParams`.',
      },
    };
  }
  return {
    ...base,
    ok: true,
    request: {
      op: 'start',
      ...common,
      outputStreamId: outputStreamId ?? '',
      outputType: rawNumber(output.OutputStreamType),
      templateId: rawNumber(root.MixStreamTemplateId),
      bitrate: rawNumber(output.OutputStreamBitRate),
      inputs: list.map((entry) => readStartInput(entry, INPUT_NAMES, { number: rawNumber, text: asText })),
    },
  };
}

/** The first parameter (as a dotted path) that the action does not define, if any. */
function unknownParameter(op: 'start' | 'cancel', root: Record<string, unknown>): string | undefined {
  if (op === 'cancel') return extraKey(root, KNOWN.cancel, '');
  const top = extraKey(root, KNOWN.create, '');
  if (top) return top;
  const output = asObject(root.OutputParams);
  const control = asObject(root.ControlParams);
  const nested =
    (output && extraKey(output, KNOWN.output, 'OutputParams.')) ||
    (control && extraKey(control, KNOWN.control, 'ControlParams.'));
  if (nested) return nested;
  const list = Array.isArray(root.InputStreamList) ? root.InputStreamList : [];
  for (const [i, entry] of list.entries()) {
    const input = asObject(entry);
    if (!input) continue;
    const prefix = `InputStreamList.${i}.`;
    const layout = asObject(input.LayoutParams);
    const crop = asObject(input.CropParams);
    const extra =
      extraKey(input, KNOWN.input, prefix) ||
      (layout && extraKey(layout, KNOWN.layout, `${prefix}LayoutParams.`)) ||
      (crop && extraKey(crop, KNOWN.crop, `${prefix}CropParams.`));
    if (extra) return extra;
  }
  return undefined;
}

function extraKey(
  object: Record<string, unknown>,
  known: readonly string[],
  prefix: string,
): string | undefined {
  const extra = Object.keys(object).find((key) => !known.includes(key));
  return extra === undefined ? undefined : `${prefix}${extra}`;
}

/** API 3.0 numbers are JSON numbers; anything else is kept as NaN for the checks to refuse. */
function rawNumber(value: unknown): RawNumber {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'number' ? value : Number.NaN;
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
