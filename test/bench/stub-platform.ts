import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The scale phase's mix platform: accepts every Mix_StreamV2 request at once and counts it. The
 * simulator's rule checks are not what that phase measures, and at ten thousand rooms its
 * per-push bookkeeping would compete with mixkeeper for the two cores; the reaction and economy
 * phases use the simulator.
 */

export interface StubRequest {
  at: number;
  op: 'start' | 'cancel' | 'unknown';
  sessionId: string;
}

export interface StubPlatform {
  /** For TENCENT_MIX_URL. */
  mixUrl: string;
  requests: StubRequest[];
  close(): Promise<void>;
}

interface LegacyBody {
  interface?: { para?: { interface?: string; mix_stream_session_id?: string } };
}

export async function startStubPlatform(): Promise<StubPlatform> {
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => {
        let para: NonNullable<LegacyBody['interface']>['para'];
        try {
          para = (JSON.parse(text) as LegacyBody).interface?.para;
        } catch {
          para = undefined;
        }
        const name = para?.interface ?? '';
        requests.push({
          at: Date.now(),
          op: name.endsWith('start_mix_stream_advanced')
            ? 'start'
            : name.endsWith('cancel_mix_stream')
              ? 'cancel'
              : 'unknown',
          sessionId: para?.mix_stream_session_id ?? '',
        });
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ code: 0, message: 'Success!', timestamp: Math.floor(Date.now() / 1000) }));
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    mixUrl: `http://127.0.0.1:${port}/common_access`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
