import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** The test proxies' two halves: a server on a free loopback port, and forwarding a request upstream. */

export interface LoopbackServer {
  url: string;
  /** Drops open connections, then stops listening. */
  close(): Promise<void>;
}

export async function listenOnLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Sends `req` to the same path under `base` with its method and headers as sent, and pipes the
 * answer back; a 502 when the upstream cannot be reached. `body` is the request body when the
 * caller has already read it; otherwise `req` is piped.
 */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, base: string, body?: string): void {
  const forward = request(
    new URL(req.url ?? '/', base),
    { method: req.method, headers: req.headers },
    (upstream) => {
      res.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(res);
    },
  );
  forward.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  if (body === undefined) req.pipe(forward);
  else forward.end(body);
}
