import { z } from 'zod';
import { tc3Sign } from './tc3-sign.js';

/**
 * Cloud API 3.0's transport (reference §6.1): `POST /` with a JSON body, the action in
 * `X-TC-Action`, a TC3 signature, and every answer wrapped in `{"Response": {…, "RequestId"}}` —
 * an error as `{"Response": {"Error": {"Code", "Message"}, "RequestId"}}`, normally with HTTP 200.
 */

export const API3 = {
  version: '2018-08-01',
  /** The live product's service name: signed into the credential scope whatever host is called. */
  service: 'live',
  /** Sent and signed exactly like this (the signed value must equal the sent one). */
  contentType: 'application/json; charset=utf-8',
  /** The three actions mixkeeper uses. */
  actions: {
    create: 'CreateCommonMixStream',
    cancel: 'CancelCommonMixStream',
    onlineList: 'DescribeLiveStreamOnlineList',
  },
} as const;
export type Api3Action = (typeof API3.actions)[keyof typeof API3.actions];

const apiErrorSchema = z.object({ Code: z.string(), Message: z.string().default('') });
export type ApiError = z.infer<typeof apiErrorSchema>;

/** An error answer of any action. */
const errorResponseSchema = z.object({
  Response: z.object({ Error: apiErrorSchema, RequestId: z.string().optional() }),
});

export interface SignOptions {
  action: Api3Action;
  /** The request's JSON body, as it will be sent. */
  body: string;
  /** `host[:port]` exactly as the HTTP client will send it in `Host`. */
  host: string;
  secretId: string;
  secretKey: string;
  /** Unix ms. */
  nowMs: number;
}

/**
 * Headers of a signed API 3.0 call. The secret key is used, never included. No `X-TC-Region`:
 * none of the three actions needs one.
 */
export function signRequest(options: SignOptions): { headers: Record<string, string> } {
  const timestamp = Math.floor(options.nowMs / 1000);
  const signed = { 'content-type': API3.contentType, host: options.host };
  const signature = tc3Sign({
    secretId: options.secretId,
    secretKey: options.secretKey,
    service: API3.service,
    timestamp,
    headers: signed,
    payload: options.body,
  });
  return {
    headers: {
      authorization: signature.authorization,
      'content-type': API3.contentType,
      'x-tc-action': options.action,
      'x-tc-version': API3.version,
      'x-tc-timestamp': String(timestamp),
    },
  };
}

export type ApiAnswer<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'error'; error: ApiError; requestId: string | undefined }
  /** Not the documented envelope: raw text, cut short. */
  | { kind: 'bad'; raw: string };

/** Reads an answer: the action's success shape, its error shape, or neither. */
export function parseApiAnswer<T>(text: string, success: z.ZodType<T>): ApiAnswer<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'bad', raw: text.slice(0, 200) };
  }
  const error = errorResponseSchema.safeParse(json);
  if (error.success) {
    return { kind: 'error', error: error.data.Response.Error, requestId: error.data.Response.RequestId };
  }
  const ok = success.safeParse(json);
  if (ok.success) return { kind: 'ok', data: ok.data };
  return { kind: 'bad', raw: text.slice(0, 200) };
}
