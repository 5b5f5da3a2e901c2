import { createServer, type Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of Redis for network faults (Toxiproxy's idea in a few lines):
 * - `pass`: bytes flow both ways;
 * - `blackhole`: connections stay open but nothing flows either way, as when packets are dropped
 *   on a dead link; held bytes are delivered on healing, as TCP retransmission would;
 * - `down`: every connection is reset and new ones are closed at once (a crashed host).
 */

export type ProxyMode = 'pass' | 'blackhole' | 'down';

export interface TcpProxy {
  port: number;
  url: string;
  mode(): ProxyMode;
  setMode(mode: ProxyMode): void;
  /** Client connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
  /** Bytes read during a blackhole, delivered in order when it heals. */
  held: { to: Socket; chunk: Buffer }[];
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'pass';
  let accepted = 0;

  const forward = (pair: Pair, to: Socket, chunk: Buffer) => {
    if (mode === 'pass' && pair.held.length === 0) to.write(chunk);
    else pair.held.push({ to, chunk });
  };
  const release = (pair: Pair) => {
    for (const { to, chunk } of pair.held.splice(0)) to.write(chunk);
  };

  const server: Server = createServer((client) => {
    accepted += 1;
    if (mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    const upstream = new Socket();
    const pair: Pair = { client, upstream, held: [] };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.on('data', (chunk: Buffer) => forward(pair, upstream, chunk));
    upstream.on('data', (chunk: Buffer) => forward(pair, client, chunk));
    upstream.connect(target.port, host);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy has no port');

  return {
    port: address.port,
    url: `redis://127.0.0.1:${address.port}`,
    mode: () => mode,
    setMode(next) {
      mode = next;
      for (const pair of [...pairs]) {
        if (mode === 'down') {
          pair.client.resetAndDestroy();
          pair.upstream.destroy();
        } else if (mode === 'pass') {
          release(pair);
        }
      }
    },
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const pair of pairs) {
          pair.client.destroy();
          pair.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
