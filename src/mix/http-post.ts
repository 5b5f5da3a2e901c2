import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TRANSPORT_CODES, type TransportCode } from '../tencent/errors.js';

/**
 * One POST of a JSON body to a mix API over a kept-alive connection, bounded by a timeout.
 * node:http rather than fetch: per request, fetch (undici's WHATWG objects, web streams, an
 * AbortSignal timer) cost the reconcile worker more CPU than the rest of a reconcile together
 * (docs/BENCHMARKS.md, "Reconcile").
 */

export interface PostAnswer {
  status: number;
  text: string;
}

const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * Rejects with an error named `TimeoutError` when no full answer came within `timeoutMs`, and
 * with `cause` = the socket error (its `code`, e.g. ECONNREFUSED) when the request failed.
 * `headers` replace the default content type (a signed API 3.0 call brings its own).
 */
export function postJson(
  url: string,
  body: string,
  timeoutMs: number,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<PostAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(error.name === 'TimeoutError' ? error : new Error('request failed', { cause: error }));
    };
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: secure ? agents.https : agents.http,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    timer = setTimeout(() => {
      const timeout = new Error(`no answer within ${timeoutMs} ms`);
      timeout.name = 'TimeoutError';
      req.destroy(timeout);
    }, timeoutMs);
    req.on('error', fail);
    req.end(body);
  });
}

/** A request that got no answer, in the transport vocabulary: timed out, or failed (and how). */
export function transportFailure(
  error: unknown,
  timeoutMs: number,
): { code: TransportCode; message: string } {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return { code: TRANSPORT_CODES.timeout, message: `no answer within ${timeoutMs} ms` };
  }
  return { code: TRANSPORT_CODES.network, message: describe(error) };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ? `${error.message} (${cause.code})` : error.message;
  }
  return String(error);
}
