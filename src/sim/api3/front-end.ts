import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Clock } from '../core/clock.js';
import type { FaultInjector } from '../core/faults.js';
import { fail, MIX_CODE } from '../core/mix-codes.js';
import type { MixOutcome, MixRequest, StartRequest } from '../core/mix-request.js';
import { API3_BITRATE, API3_MAX_PIXELS, STREAM_INPUT_TYPES } from '../core/platform-rules.js';
import type { FaultKind, MixRequestRecord, RequestLog } from '../core/request-log.js';
import { untilAborted } from '../core/until-aborted.js';
import type { MixPlatform } from '../platform/mix-platform.js';
import { type Api3Credentials, verifyTc3 } from './auth.js';
import { API3_INPUT_TOO_LARGE, type Api3Error, api3ErrorFor } from './errors.js';
import { describeOnlineList, type OnlineStream } from './online-list.js';
import { parseApi3MixBody } from './parse.js';

/**
 * The Cloud API 3.0 front-end: `POST /` with a TC3-signed JSON body and the action in
 * `X-TC-Action` (reference §6). CreateCommonMixStream and CancelCommonMixStream go through the same
 * platform core, rules and fault plan as the legacy CGI; DescribeLiveStreamOnlineList lists the
 * simulated ingest's live streams. Every answer is HTTP 200 with `{"Response": {…, "RequestId"}}`,
 * errors as `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}` (errors.ts words them).
 */

const VERSION = '2018-08-01';
const ACTIONS = {
  CreateCommonMixStream: 'start',
  CancelCommonMixStream: 'cancel',
  DescribeLiveStreamOnlineList: 'list',
} as const;
type Action = keyof typeof ACTIONS;

export interface Api3Deps {
  clock: Clock;
  appId: number;
  /** The account's key pair; unset: every call fails with AuthFailure.SecretIdNotFound. */
  credentials: Api3Credentials | undefined;
  platform: MixPlatform;
  faults: FaultInjector;
  requests: RequestLog;
  /** The output stream of a session (API 3.0 cancels name only the session). */
  sessionOutput(sessionId: string): string | undefined;
  liveStreams(): (OnlineStream & { width: number; height: number })[];
  /** Aborted at close: releases held requests and latency waits. */
  closing: AbortSignal;
  log: (line: string) => void;
}

export function mountApi3(app: Hono, deps: Api3Deps): void {
  let requestCounter = 0;
  app.post('/', async (c) => {
    requestCounter = (requestCounter % 2_000_000_000) + 1;
    return handle(c, deps, requestCounter);
  });
}

async function handle(c: Context, deps: Api3Deps, eventId: number): Promise<Response> {
  const { clock, platform, faults, requests, closing, log } = deps;
  const at = clock.now();
  const requestId = randomUUID();
  const text = await c.req.text();
  const reply = (response: object) => c.json({ Response: { ...response, RequestId: requestId } });
  const refuse = (error: Api3Error) => reply({ Error: error });

  const actionName = c.req.header('x-tc-action') ?? '';
  const action = Object.hasOwn(ACTIONS, actionName) ? ACTIONS[actionName as Action] : undefined;
  const op = action === 'start' || action === 'cancel' ? action : undefined;

  // Mix calls are logged on arrival and completed when answered, as on the legacy CGI.
  const mix = op ? { op, parsed: parseApi3MixBody(op, text, { appId: deps.appId, eventId }) } : undefined;
  const record: MixRequestRecord | undefined = mix && {
    at,
    protocol: 'api3',
    op: mix.op,
    sessionId: mix.parsed.sessionId,
    outputStreamId: mix.parsed.outputStreamId,
    body: mix.parsed.body,
    code: null,
    message: 'in progress',
    status: null,
  };
  if (record) requests.add(record);
  const settle = (fields: Partial<MixRequestRecord>) => {
    if (record) Object.assign(record, fields);
  };
  const answerError = (error: Api3Error, code: number | null, fault?: FaultKind) => {
    settle({ code, apiCode: error.Code, message: error.Message, status: 200, ...(fault ? { fault } : {}) });
    return refuse(error);
  };
  const answerOutcome = (outcome: MixOutcome, fault?: FaultKind) => {
    if (outcome.code !== 0) return answerError(api3ErrorFor(outcome), outcome.code, fault);
    settle({ code: 0, message: outcome.message, status: 200, ...(fault ? { fault } : {}) });
    return reply({});
  };

  const authError = verifyTc3({ header: (name) => c.req.header(name), body: text }, deps.credentials, at);
  if (authError) {
    log(`api3 ${actionName || '?'} rejected: ${authError.Code}`);
    return answerError(authError, null);
  }
  if (c.req.header('x-tc-version') !== VERSION) {
    return answerError({ Code: 'NoSuchVersion', Message: `The API version must be ${VERSION}.` }, null);
  }
  if (!mix) {
    if (action === 'list') {
      const listed = describeOnlineList(text, deps.liveStreams());
      return listed.ok ? reply(listed.page) : refuse(listed.error);
    }
    return refuse({
      Code: 'InvalidAction',
      Message: `The action ${JSON.stringify(actionName)} is not found.`,
    });
  }
  const { parsed } = mix;
  if (!parsed.ok) return 'error' in parsed ? answerError(parsed.error, null) : answerOutcome(parsed.outcome);

  const request = withSessionOutput(parsed.request, deps);
  platform.observe(request);
  const fault = faults.forMix(request.op, 'api3');
  if (fault.latencyMs > 0) await clock.sleepReal(fault.latencyMs, closing);
  const faultAction = fault.action;
  switch (faultAction.kind) {
    case 'timeout': {
      if (fault.applyDespiteTimeout) handleRequest(request, deps);
      settle({ code: null, message: 'held without an answer (fault)', status: null, fault: 'timeout' });
      log(`api3 ${request.op} ${request.sessionId || '?'} held without an answer (fault)`);
      await untilAborted(c.req.raw.signal, closing);
      return c.body(null, 503);
    }
    case 'http5xx':
      settle({ code: null, message: 'HTTP 503 (fault)', status: 503, fault: 'http5xx' });
      return c.text('503 Service Unavailable', 503);
    case 'code':
      return answerOutcome(fail(faultAction.code), faultAction.source === 'script' ? 'script' : 'code');
    case 'api3Code':
      return answerError(
        { Code: faultAction.code, Message: `${faultAction.code} (scripted)` },
        null,
        'script',
      );
    case 'none':
      return answerOutcome(handleRequest(request, deps));
  }
}

/** API 3.0 checks first, then the platform core shared with the legacy CGI. */
function handleRequest(request: MixRequest, deps: Api3Deps): MixOutcome {
  if (request.op === 'start') {
    const refused = api3StartLimits(request, deps);
    if (refused) return refused;
  }
  return deps.platform.handle(request);
}

/** What API 3.0 refuses in a start that the legacy CGI would take, or null. */
function api3StartLimits(request: StartRequest, deps: Api3Deps): MixOutcome | null {
  const bitrate = request.bitrate;
  if (
    bitrate !== undefined &&
    !(Number.isInteger(bitrate) && bitrate >= API3_BITRATE.min && bitrate <= API3_BITRATE.max)
  ) {
    return fail(
      MIX_CODE.bitrate,
      `OutputStreamBitRate ${bitrate} is outside [${API3_BITRATE.min}, ${API3_BITRATE.max}]`,
    );
  }
  // Pixel values only: a fraction of the background is below 1, so anything over 2000 is pixels.
  for (const input of request.inputs) {
    const { streamId, width, height, x, y, crop } = input;
    for (const [name, value] of [
      ['ImageWidth', width],
      ['ImageHeight', height],
      ['LocationX', x],
      ['LocationY', y],
    ] as const) {
      if (value !== undefined && value > API3_MAX_PIXELS) {
        return fail(MIX_CODE.layer, `${name} ${value} of ${streamId} is over ${API3_MAX_PIXELS} pixels`);
      }
    }
    for (const [name, value] of [
      ['CropWidth', crop?.width],
      ['CropHeight', crop?.height],
      ['CropStartLocationX', crop?.x],
      ['CropStartLocationY', crop?.y],
    ] as const) {
      if (value !== undefined && value > API3_MAX_PIXELS) {
        return fail(MIX_CODE.crop, `${name} ${value} of ${streamId} is over ${API3_MAX_PIXELS} pixels`);
      }
    }
  }
  const sizes = new Map(deps.liveStreams().map((s) => [s.streamId, s]));
  for (const input of request.inputs) {
    // A canvas or picture input's id is a free label: only a pushed stream has a size to check.
    if (!STREAM_INPUT_TYPES.has(input.inputType ?? 0)) continue;
    const stream = sizes.get(input.streamId);
    if (stream && (stream.width > API3_MAX_PIXELS || stream.height > API3_MAX_PIXELS)) {
      return {
        code: API3_INPUT_TOO_LARGE,
        message: `Params Error: ${input.streamId} is ${stream.width}x${stream.height}, over ${API3_MAX_PIXELS} pixels a side`,
      };
    }
  }
  return null;
}

/** An API 3.0 cancel carries no output id: the session's own is the right one by construction. */
function withSessionOutput(request: MixRequest, deps: Api3Deps): MixRequest {
  if (request.op !== 'cancel') return request;
  return { ...request, outputStreamId: deps.sessionOutput(request.sessionId) ?? '' };
}
