import type { Context, Hono } from 'hono';
import { signMatches } from '../../tencent/md5-sign.js';
import type { Clock } from '../core/clock.js';
import type { FaultInjector } from '../core/faults.js';
import { fail, MIX_CODE, messageFor } from '../core/mix-codes.js';
import type { MixOutcome } from '../core/mix-request.js';
import type { FaultKind, MixRequestRecord, RequestLog } from '../core/request-log.js';
import { untilAborted } from '../core/until-aborted.js';
import type { MixPlatform } from '../platform/mix-platform.js';
import { INTERFACE_NAME, parseLegacyBody, START } from './parse.js';

/**
 * The legacy Mix_StreamV2 CGI front-end: `POST /common_access?appid&interface&t&sign` with the
 * seed's snake_case body. It authenticates the query, parses the body (parse.ts), lets
 * the fault plan intervene, and answers `{code, message, timestamp, event_id}` (HTTP 200, as the
 * CGI does for every platform answer).
 */

/** Some callers name the operation in the query instead of the interface (reference §2.1). */
const ACCEPTED_QUERY_INTERFACES = new Set([INTERFACE_NAME, START]);

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
