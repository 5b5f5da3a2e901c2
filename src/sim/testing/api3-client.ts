import { request } from 'node:http';
import { tc3Sign } from '../../tencent/api3/tc3-sign.js';

/**
 * Calls the simulator's Cloud API 3.0 front-end the way a client would, for tests: a TC3-signed
 * `POST /`. Built on node:http rather than fetch so a test can send any Host header (fetch always
 * sends the URL's), and every part of the signature can be spoilt on purpose.
 */

export interface Api3Keys {
  secretId: string;
  secretKey: string;
}

export interface Api3CallOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Signed service; default `live`. */
  service?: string;
  /** The Host header sent and signed; default the URL's host. */
  host?: string;
  /** Signs this `host` instead of the one sent (the Node SDK signs it without the port). */
  signedHost?: string;
  /** Signs with this key instead. */
  secretKey?: string;
  secretId?: string;
  version?: string;
  /** Replaces the computed Authorization header ('' = none). */
  authorization?: string;
  /** Sent instead of the signed body (the signature covers `body`). */
  sentBody?: string;
  signal?: AbortSignal;
}

export interface Api3Answer {
  status: number;
  text: string;
  /** `Response` of the JSON answer, when it was one. */
  response?: Record<string, unknown> & {
    RequestId?: string;
    Error?: { Code: string; Message: string };
  };
}

export function postApi3(
  url: string,
  keys: Api3Keys,
  action: string,
  body: unknown,
  options: Api3CallOptions = {},
): Promise<Api3Answer> {
  const target = new URL(url);
  const host = options.host ?? target.host;
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const contentType = 'application/json; charset=utf-8';
  const signed = tc3Sign({
    secretId: options.secretId ?? keys.secretId,
    secretKey: options.secretKey ?? keys.secretKey,
    service: options.service ?? 'live',
    timestamp,
    headers: { 'content-type': contentType, host: options.signedHost ?? host },
    payload,
  });
  const sent = options.sentBody ?? payload;
  const headers: Record<string, string> = {
    host,
    'content-type': contentType,
    'content-length': String(Buffer.byteLength(sent)),
    'x-tc-action': action,
    'x-tc-version': options.version ?? '2018-08-01',
    'x-tc-timestamp': String(timestamp),
  };
  const authorization = options.authorization ?? signed.authorization;
  if (authorization !== '') headers.authorization = authorization;

  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname: target.hostname,
        port: target.port,
        path: '/',
        method: 'POST',
        headers,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const answer: Api3Answer = { status: res.statusCode ?? 0, text };
          try {
            const response = (JSON.parse(text) as { Response?: Api3Answer['response'] }).Response;
            if (response) answer.response = response;
          } catch {
            // not JSON
          }
          resolve(answer);
        });
      },
    );
    req.on('error', reject);
    req.end(sent);
  });
}

/** A CreateCommonMixStream body: `tiles` as `[name, layer, layout?]`. */
export function createBody(
  sessionId: string,
  output: string,
  tiles: [string, number, Record<string, unknown>?][],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    MixStreamSessionId: sessionId,
    InputStreamList: tiles.map(([name, layer, layout]) => ({
      InputStreamName: name,
      LayoutParams: { ImageLayer: layer, ...layout },
    })),
    OutputParams: { OutputStreamName: output },
    ...extra,
  };
}
