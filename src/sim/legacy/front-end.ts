import type { Context, Hono } from 'hono';
import { signMatches } from '../../tencent/md5-sign.js';
import type { Clock } from '../core/clock.js';
import type { FaultInjector } from '../core/faults.js';
import { fail, MIX_CODE, messageFor } from '../core/mix-codes.js';
import type { MixOutcome, MixRequest, RawCrop, RawNumber, StartInput } from '../core/mix-request.js';
import type { FaultKind, LoggedOp, MixRequestRecord, RequestLog } from '../core/request-log.js';
import type { MixPlatform } from '../platform/mix-platform.js';

/**
 * The legacy Mix_StreamV2 CGI front-end: `POST /common_access?appid&interface&t&sign` with the
 * seed's snake_case body. It authenticates the query, parses the body into a `MixRequest`, lets
 * the fault plan intervene, and answers `{code, message, timestamp, event_id}` (HTTP 200, as the
 * CGI does for every platform answer).
 */

const INTERFACE_NAME = 'Mix_StreamV2';
const START = 'mix_streamv2.start_mix_stream_advanced';
const CANCEL = 'mix_streamv2.cancel_mix_stream';
/** Some callers name the operation in the query instead of the interface (reference §2.1). */
const ACCEPTED_QUERY_INTERFACES = new Set([INTERFACE_NAME, START]);
const MAX_LOGGED_TEXT = 10_000;

export interface LegacyCgiDeps {
  clock: Clock;
  appId: number;
  mixKey: string;
  platform: MixPlatform;
  faults: FaultInjector;
  requests: RequestLog;
  /** Aborted at close: releases held requests and latency waits. */
  closing: AbortSignal;
  log: (line: string) => void;
}

export function mountLegacyCgi(app: Hono, deps: LegacyCgiDeps): void {
  app.post('/common_access', (c) => handleCommonAccess(c, deps));
}

async function handleCommonAccess(c: Context, deps: LegacyCgiDeps): Promise<Response> {
  const { clock, platform, faults, requests, closing, log } = deps;
  const at = clock.now();
  const text = await c.req.text();
  const parsed = parseLegacyBody(text);
  // Logged on arrival, completed when answered: the log keeps arrival order under latency faults.
  const record: MixRequestRecord = {
    at,
    protocol: 'legacy',
    op: parsed.op,
    sessionId: parsed.sessionId,
    outputStreamId: parsed.outputStreamId,
    body: parsed.body,
    code: null,
    message: 'in progress',
    status: null,
  };
  requests.add(record);
  const settle = (
    outcome: { code: number | null; message: string; status: number | null },
    fault?: FaultKind,
  ) => {
    Object.assign(record, outcome);
    if (fault) record.fault = fault;
  };
  const answer = (outcome: MixOutcome, fault?: FaultKind): Response => {
    settle({ ...outcome, status: 200 }, fault);
    return c.json({
      code: outcome.code,
      message: outcome.message,
      timestamp: Math.floor(clock.now() / 1000),
      ...(parsed.eventId !== undefined ? { event_id: parsed.eventId } : {}),
    });
  };

  const query = c.req.query();
  const auth = checkQuery(query, deps.appId, deps.mixKey, at);
  if (auth === 'expired') {
    settle({ code: null, message: 'time expired', status: 200 });
    log('common_access rejected: time expired');
    return c.text('time expired');
  }
  if (auth !== 'ok') {
    log(`common_access rejected: ${auth}`);
    return answer(fail(MIX_CODE.authFailed, auth));
  }
  if (!ACCEPTED_QUERY_INTERFACES.has(query.interface ?? '')) {
    return answer(
      fail(MIX_CODE.parse, `interface ${JSON.stringify(query.interface ?? '')} is not Mix_StreamV2`),
    );
  }

  if (parsed.ok) platform.observe(parsed.request);
  const fault = faults.forMix(parsed.op);
  if (fault.latencyMs > 0) await clock.sleepReal(fault.latencyMs, closing);
  const action = fault.action;
  switch (action.kind) {
    case 'timeout': {
      if (fault.applyDespiteTimeout && parsed.ok) platform.handle(parsed.request);
      settle({ code: null, message: 'held without an answer (fault)', status: null }, 'timeout');
      log(`${parsed.op} ${parsed.sessionId ?? '?'} held without an answer (fault)`);
      await untilAborted(c.req.raw.signal, closing);
      return c.body(null, 503);
    }
    case 'http5xx':
      settle({ code: null, message: 'HTTP 503 (fault)', status: 503 }, 'http5xx');
      return c.text('503 Service Unavailable', 503);
    case 'code':
      return answer(
        { code: action.code, message: messageFor(action.code) },
        action.source === 'script' ? 'script' : 'code',
      );
    case 'api3Code': // never drawn here: only API 3.0 requests consume API 3.0 codes
    case 'none':
      return answer(parsed.ok ? platform.handle(parsed.request) : parsed.outcome);
  }
}

type QueryCheck = 'ok' | 'expired' | string;

/** Verifies appid, t and sign = md5(key + t). The sign is compared in constant time. */
function checkQuery(query: Record<string, string>, appId: number, key: string, nowMs: number): QueryCheck {
  const appid = query.appid ?? query.cmd;
  if (appid === undefined || Number(appid) !== appId) return 'unknown appid';
  const t = query.t ?? '';
  const sign = query.sign ?? '';
  if (!/^\d{1,12}$/.test(t) || sign === '') return 'missing t or sign';
  if (!signMatches(key, t, sign)) return 'sign check failed';
  // `t` is the request's expiry.
  if (Number(t) < Math.floor(nowMs / 1000)) return 'expired';
  return 'ok';
}

function untilAborted(...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) {
      resolve();
      return;
    }
    const done = () => {
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    };
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}

type LegacyParse = {
  op: LoggedOp;
  sessionId: string | null;
  outputStreamId: string | null;
  /** As the answer's `event_id`: the CGI echoes it as a string. */
  eventId: string | undefined;
  body: unknown;
} & ({ ok: true; request: MixRequest } | { ok: false; outcome: MixOutcome });

/** Parses a Mix_StreamV2 body; shape errors that the seed files under -1 are answered here. */
function parseLegacyBody(text: string): LegacyParse {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      ok: false,
      op: 'unknown',
      sessionId: null,
      outputStreamId: null,
      eventId: undefined,
      body: text.slice(0, MAX_LOGGED_TEXT),
      outcome: fail(MIX_CODE.parse, 'the body is not JSON'),
    };
  }
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
    inputs: list.map(parseInput),
  });
}

function parseInput(entry: unknown): StartInput {
  const input = asObject(entry);
  const layout = asObject(input?.layout_params);
  const parsed: StartInput = {
    streamId: asText(input?.input_stream_id),
    hasLayout: layout !== undefined,
    layer: rawNumber(layout?.image_layer),
    inputType: rawNumber(layout?.input_type),
    width: rawNumber(layout?.image_width),
    height: rawNumber(layout?.image_height),
    x: rawNumber(layout?.location_x),
    y: rawNumber(layout?.location_y),
  };
  if (layout?.color !== undefined) parsed.color = asText(layout.color);
  if (layout?.picture_id !== undefined) parsed.pictureId = rawNumber(layout.picture_id);
  const crop = asObject(input?.crop_params);
  if (crop) {
    const rawCrop: RawCrop = {
      width: rawNumber(crop.crop_width),
      height: rawNumber(crop.crop_height),
      x: rawNumber(crop.crop_x),
      y: rawNumber(crop.crop_y),
    };
    parsed.crop = rawCrop;
  }
  return parsed;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
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
