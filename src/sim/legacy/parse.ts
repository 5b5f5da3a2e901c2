import { fail, MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome, MixRequest, RawNumber } from '../core/mix-request.js';
import { asObject, type InputNames, readJsonBody, readStartInput } from '../core/raw-input.js';
import type { LoggedOp } from '../core/request-log.js';

/**
 * Parses a Mix_StreamV2 body (the seed's snake_case) into the platform core's `MixRequest`, keeping
 * values raw so the shared checks decide the codes; shape errors that the seed files under -1 are
 * answered here.
 */

export const INTERFACE_NAME = 'Mix_StreamV2';
export const START = 'mix_streamv2.start_mix_stream_advanced';
const CANCEL = 'mix_streamv2.cancel_mix_stream';

/** Where a Mix_StreamV2 input keeps each field. */
const INPUT_NAMES: InputNames = {
  streamId: 'input_stream_id',
  layout: {
    key: 'layout_params',
    layer: 'image_layer',
    inputType: 'input_type',
    width: 'image_width',
    height: 'image_height',
    x: 'location_x',
    y: 'location_y',
    color: 'color',
    pictureId: 'picture_id',
  },
  crop: { key: 'crop_params', width: 'crop_width', height: 'crop_height', x: 'crop_x', y: 'crop_y' },
};

export type LegacyParse = {
  op: LoggedOp;
  sessionId: string | null;
  outputStreamId: string | null;
  /** As the answer's `event_id`: the CGI echoes it as a string. */
  eventId: string | undefined;
  body: unknown;
} & ({ ok: true; request: MixRequest } | { ok: false; outcome: MixOutcome });

export function parseLegacyBody(text: string): LegacyParse {
  const read = readJsonBody(text);
  if (!read.json) {
    return {
      ok: false,
      op: 'unknown',
      sessionId: null,
      outputStreamId: null,
      eventId: undefined,
      body: read.body,
      outcome: read.outcome,
    };
  }
  const { body } = read;
  const root = asObject(body);
  const iface = asObject(root?.interface);
  const para = asObject(iface?.para);
  const eventIdRaw = root?.eventId;
  const eventId =
    typeof eventIdRaw === 'number' || typeof eventIdRaw === 'string' ? String(eventIdRaw) : undefined;
  const paraInterface = para?.interface;
  const op: LoggedOp = paraInterface === START ? 'start' : paraInterface === CANCEL ? 'cancel' : 'unknown';
  const sessionId =
    para && para.mix_stream_session_id !== undefined ? asText(para.mix_stream_session_id) : null;
  const outputStreamId = para && para.output_stream_id !== undefined ? asText(para.output_stream_id) : null;
  const reject = (detail: string): LegacyParse => ({
    ok: false,
    op,
    sessionId,
    outputStreamId,
    eventId,
    body,
    outcome: fail(MIX_CODE.parse, detail),
  });

  if (!root) return reject('the body is not a JSON object');
  if (!iface || iface.interfaceName !== INTERFACE_NAME)
    return reject('interface.interfaceName is not Mix_StreamV2');
  if (!para) return reject('interface.para is missing');
  if (op === 'unknown')
    return reject(`para.interface ${JSON.stringify(paraInterface ?? null)} is not ${START} or ${CANCEL}`);

  const common = {
    appId: rawNumber(para.app_id),
    eventId: rawNumber(root.eventId),
    sessionId: sessionId ?? '',
    outputStreamId: outputStreamId ?? '',
  };
  const ok = (request: MixRequest): LegacyParse => ({
    ok: true,
    op,
    sessionId,
    outputStreamId,
    eventId,
    body,
    request,
  });
  if (op === 'cancel') return ok({ op: 'cancel', ...common });

  const list = para.input_stream_list;
  if (!Array.isArray(list) || list.length === 0) return reject('input_stream_list is empty');
  return ok({
    op: 'start',
    ...common,
    outputType: rawNumber(para.output_stream_type),
    templateId: rawNumber(para.mix_stream_template_id),
    bitrate: rawNumber(para.output_stream_bitrate),
    inputs: list.map((entry) => readStartInput(entry, INPUT_NAMES, { number: rawNumber, text: asText })),
  });
}

/** A number, or a numeric string (MLVB sends app_id and some callers the bitrate as strings); NaN otherwise. */
function rawNumber(value: unknown): RawNumber {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return Number.NaN;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return '';
}
