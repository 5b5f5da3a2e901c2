import {
  classifyMixError,
  type MixErrorCode,
  type MixOperation,
  TRANSPORT_CODES,
} from '../tencent/errors.js';
import type { MixSpec } from '../tencent/mix-spec.js';
import { cancelBody, mixRequestUrl, parseMixResponse, startBody } from '../tencent/mix-stream-v2.js';
import { type PostAnswer, postJson, transportFailure } from './http-post.js';
import type { MixBackend, MixOutcome } from './mix-backend.js';

export interface LegacyBackendOptions {
  /** TENCENT_MIX_URL */
  url: string;
  appId: number;
  /** TENCENT_MIX_KEY: signs the query; never leaves this module. */
  key: string;
  timeoutMs: number;
  now?: () => number;
  /** Replaces the default transport (node:http with keep-alive, see http-post.ts). */
  fetch?: typeof fetch;
}

/** Mix_StreamV2 through the `common_access` CGI, signed afresh for every request. */
export function legacyBackend(options: LegacyBackendOptions): MixBackend {
  const now = options.now ?? Date.now;
  const injected = options.fetch;
  const post = injected
    ? async (url: string, body: string, timeoutMs: number): Promise<PostAnswer> => {
        const res = await injected(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { status: res.status, text: await res.text() };
      }
    : postJson;

  async function call(op: MixOperation, body: object): Promise<MixOutcome> {
    const started = performance.now();
    const url = mixRequestUrl(options.url, options.appId, options.key, now());
    const outcome = (error: MixErrorCode | null, response: unknown, message = ''): MixOutcome => {
      const result: MixOutcome = {
        request: body,
        response,
        durationMs: Math.round(performance.now() - started),
      };
      if (error !== null) {
        const info = classifyMixError(error, op);
        if (info.class !== 'done') result.error = { ...info, message: message || info.meaning };
      }
      return result;
    };
    let res: PostAnswer;
    try {
      res = await post(url, JSON.stringify(body), options.timeoutMs);
    } catch (error) {
      const failure = transportFailure(error, options.timeoutMs);
      return outcome(failure.code, { error: failure.message }, failure.message);
    }
    if (res.status >= 500)
      return outcome(TRANSPORT_CODES.http5xx, { status: res.status, body: res.text.slice(0, 200) });
    if (res.status === 429) return outcome(TRANSPORT_CODES.throttled, { status: res.status });
    const parsed = parseMixResponse(res.text);
    if (!parsed.ok) {
      const code = /time expired/i.test(parsed.raw)
        ? TRANSPORT_CODES.timeExpired
        : TRANSPORT_CODES.badResponse;
      return outcome(code, { status: res.status, body: parsed.raw });
    }
    const { code, message } = parsed.response;
    return outcome(code === 0 ? null : code, parsed.response, message);
  }

  return {
    name: 'legacy',
    start: (sessionId, spec: MixSpec) =>
      call('start', startBody(spec, { appId: options.appId, sessionId, nowMs: now() })),
    cancel: (sessionId, outputStreamId) =>
      call('cancel', cancelBody(outputStreamId, { appId: options.appId, sessionId, nowMs: now() })),
  };
}
