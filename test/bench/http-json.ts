import { Agent, request } from 'node:http';

/**
 * The bench's own HTTP client for the simulator's control routes: node:http over a bounded pool
 * of kept-alive connections, so a burst of pushes queues here instead of opening hundreds of
 * sockets against a busy simulator (fetch did, and failed).
 */

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

export interface JsonAnswer {
  status: number;
  text: string;
}

function once(method: string, url: string, body?: unknown): Promise<JsonAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      url,
      {
        method,
        agent,
        headers:
          payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** One request; a connection reset by a kept-alive socket closing under it is tried once more. */
export async function httpJson(method: string, url: string, body?: unknown): Promise<JsonAnswer> {
  try {
    return await once(method, url, body);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') throw error;
    return once(method, url, body);
  }
}
