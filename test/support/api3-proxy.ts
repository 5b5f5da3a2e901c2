import { forwardRequest, listenOnLoopback } from './http-forward.js';

/**
 * A loopback HTTP proxy in front of the simulator's Cloud API 3.0 endpoint: it records every call
 * (action and body) and can make chosen calls fail, as one push domain's listing would on a bad
 * day, while the rest reach the simulator untouched. Headers are forwarded as sent, so the TC3
 * signature (over the Host the client signed: the proxy's) still verifies.
 */

export interface Api3Call {
  action: string;
  body: Record<string, unknown>;
}

export type Api3Failure = { code: string; message?: string } | 'timeout';

export interface Api3Proxy {
  url: string;
  calls(): Api3Call[];
  /** Calls with this action. */
  callsOf(action: string): Api3Call[];
  /** Answers matching calls with an error envelope, or never (`timeout`), instead of forwarding them. */
  fail(match: (call: Api3Call) => boolean, failure: Api3Failure): void;
  close(): Promise<void>;
}

export async function startApi3Proxy(target: string): Promise<Api3Proxy> {
  const calls: Api3Call[] = [];
  const failures: { match: (call: Api3Call) => boolean; failure: Api3Failure }[] = [];
  const server = await listenOnLoopback((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        // recorded as an empty body
      }
      const call = { action: String(req.headers['x-tc-action'] ?? ''), body };
      calls.push(call);
      const failure = failures.find((f) => f.match(call))?.failure;
      if (failure === 'timeout') return; // held until the client gives up
      if (failure) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            Response: {
              Error: { Code: failure.code, Message: failure.message ?? `${failure.code} (proxy)` },
              RequestId: 'proxy',
            },
          }),
        );
        return;
      }
      forwardRequest(req, res, target, text);
    });
  });
  return {
    url: server.url,
    calls: () => [...calls],
    callsOf: (action) => calls.filter((call) => call.action === action),
    fail(match, failure) {
      failures.push({ match, failure });
    },
    close: server.close,
  };
}
