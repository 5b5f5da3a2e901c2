import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

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
 */
export function postJson(url: string, body: string, timeoutMs: number): Promise<PostAnswer> {
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
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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
