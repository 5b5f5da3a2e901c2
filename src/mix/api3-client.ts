import type { z } from 'zod';
import { type Api3Action, type ApiError, parseApiAnswer, signRequest } from '../tencent/api3/envelope.js';
import { TRANSPORT_CODES, type TransportCode } from '../tencent/errors.js';
import { type PostAnswer, postJson, transportFailure } from './http-post.js';

/**
 * A small Cloud API 3.0 client: one signed `POST /` per call, bounded by a timeout, no retries,
 * every outcome a value. Shared by the api3 mix backend and the online-list reader.
 *
 * Why not `tencentcloud-sdk-nodejs`: mixkeeper calls three actions of one product, and this file
 * plus the signer (proven by the official test vector) is all they need. The SDK's full package
 * ships the models of every Tencent product and brings nine runtime dependencies (node-fetch 2,
 * form-data, https-proxy-agent, json-bigint, uuid, tslib, …); its HTTP goes through node-fetch 2,
 * where both backends here share one kept-alive node:http transport (http-post.ts);
 * it throws exceptions where the backend wants values; and it signs the `service` as the first label
 * of the endpoint host (`127` for a simulator on 127.0.0.1), while this client always signs `live`.
 */

export interface Api3ClientOptions {
  /** TENCENT_API_URL; the canonical URI is always `/`. */
  url: string;
  /** TENCENT_SECRET_ID: identifies the key in the Authorization header. */
  secretId: string;
  /** TENCENT_SECRET_KEY: signs; never sent, logged or returned. */
  secretKey: string;
  /** Per request; a timeout is an unknown outcome. */
  timeoutMs: number;
  now?: () => number;
}

export type Api3CallResult<T> = { durationMs: number } & (
  | { kind: 'ok'; data: T }
  /** The platform answered an error envelope. */
  | { kind: 'error'; error: ApiError; requestId: string | undefined; response: unknown }
  /** No usable answer: timeout, network, 5xx, 429, or not the documented JSON. */
  | { kind: 'transport'; code: TransportCode; response: unknown; message: string }
);

export interface Api3Client {
  call<T>(action: Api3Action, body: object, success: z.ZodType<T>): Promise<Api3CallResult<T>>;
}

export function api3Client(options: Api3ClientOptions): Api3Client {
  const now = options.now ?? Date.now;
  const url = new URL(options.url);
  // Signed as the Host header will carry it: with the port when it is not the scheme's default.
  const host = url.host;

  return {
    async call<T>(action: Api3Action, body: object, success: z.ZodType<T>): Promise<Api3CallResult<T>> {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      const payload = JSON.stringify(body);
      const { headers } = signRequest({
        action,
        body: payload,
        host,
        secretId: options.secretId,
        secretKey: options.secretKey,
        nowMs: now(),
      });
      const transport = (code: TransportCode, response: unknown, message: string): Api3CallResult<T> => ({
        kind: 'transport',
        code,
        response,
        message,
        durationMs: elapsed(),
      });

      let res: PostAnswer;
      try {
        res = await postJson(url.href, payload, options.timeoutMs, headers);
      } catch (error) {
        const failure = transportFailure(error, options.timeoutMs);
        return transport(failure.code, { error: failure.message }, failure.message);
      }
      const { text } = res;

      const answer = parseApiAnswer(text, success);
      // An error envelope counts whatever the HTTP status (Tencent normally sends them with 200).
      if (answer.kind === 'error') {
        return {
          kind: 'error',
          error: answer.error,
          requestId: answer.requestId,
          response: safeJson(text),
          durationMs: elapsed(),
        };
      }
      if (res.status >= 500) {
        return transport(TRANSPORT_CODES.http5xx, { status: res.status, body: text.slice(0, 200) }, '');
      }
      if (res.status === 429) return transport(TRANSPORT_CODES.throttled, { status: res.status }, '');
      if (answer.kind === 'ok' && res.status === 200)
        return { kind: 'ok', data: answer.data, durationMs: elapsed() };
      return transport(TRANSPORT_CODES.badResponse, { status: res.status, body: text.slice(0, 200) }, '');
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 200);
  }
}
