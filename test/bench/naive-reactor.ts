import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cancelBody, mixRequestUrl, startBody } from '../../src/tencent/mix-stream-v2.js';
import { naivePlan } from './naive-plan.js';

/**
 * The economy baseline: a callback reactor as Tencent's demos write one. Every authentic callback
 * updates the room's live set in memory and sends one mix request at once — a start with every
 * live stream, or a cancel when fewer than two remain — and a failed request is sent again every
 * `retryMs`, up to `maxAttempts`. No readiness wait, no coalescing, no comparison with what runs.
 */

export interface NaiveReactorOptions {
  appId: number;
  callbackKey: string;
  mixKey: string;
  retryMs: number;
  maxAttempts: number;
}

export interface NaiveReactor {
  url: string;
  /** When each callback arrived, by `kind stream sequence`. */
  receipts: Map<string, number>;
  /** Where requests go: the simulator's `common_access` (set once that simulator runs). */
  setMixUrl(url: string): void;
  /** Requests in flight or waiting for a retry. */
  pending(): number;
  close(): Promise<void>;
}

export const receiptKey = (kind: 'push' | 'disconnect', streamId: string, sequence: string) =>
  `${kind} ${streamId} ${sequence}`;

interface Room {
  streams: Map<string, 'main' | 'guest'>;
  /** The output of the session it started, while it believes one runs. */
  output?: string;
}

export async function startNaiveReactor(options: NaiveReactorOptions): Promise<NaiveReactor> {
  const rooms = new Map<string, Room>();
  const receipts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let closed = false;
  let mixUrl = '';

  const send = (body: object, attempt = 1): void => {
    inFlight += 1;
    const retry = () => {
      if (closed || attempt >= options.maxAttempts) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        send(body, attempt + 1);
      }, options.retryMs);
      timers.add(timer);
    };
    fetch(mixRequestUrl(mixUrl, options.appId, options.mixKey, Date.now()), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
      .then(async (res) => {
        const answer = (await res.json().catch(() => ({ code: -1 }))) as { code?: unknown };
        if (Number(answer.code) !== 0) retry();
      }, retry)
      .finally(() => {
        inFlight -= 1;
      });
  };

  const react = (callback: Record<string, unknown>) => {
    const params = new URLSearchParams(String(callback.stream_param ?? ''));
    const roomId = params.get('mix_room');
    if (!roomId) return;
    const room: Room = rooms.get(roomId) ?? { streams: new Map() };
    rooms.set(roomId, room);
    const streamId = String(callback.stream_id);
    if (Number(callback.event_type) === 1)
      room.streams.set(streamId, params.get('mix_role') === 'main' ? 'main' : 'guest');
    else room.streams.delete(streamId);

    const sessionId = `naive_${roomId}`;
    const plan = naivePlan([...room.streams].map(([id, role]) => ({ streamId: id, role })));
    if (plan) {
      room.output = plan.outputStreamId;
      send(startBody(plan, { appId: options.appId, sessionId, nowMs: Date.now() }));
    } else if (room.output) {
      send(cancelBody(room.output, { appId: options.appId, sessionId, nowMs: Date.now() }));
      delete room.output;
    }
  };

  const server = createServer((req, res) => {
    readBody(req).then(
      (text) => {
        const at = Date.now();
        let callback: Record<string, unknown>;
        try {
          callback = JSON.parse(text) as Record<string, unknown>;
        } catch {
          res.writeHead(400).end();
          return;
        }
        const sign = createHash('md5')
          .update(`${options.callbackKey}${String(callback.t)}`)
          .digest('hex');
        if (sign !== callback.sign) {
          res.writeHead(401).end();
          return;
        }
        const kind = Number(callback.event_type) === 1 ? 'push' : 'disconnect';
        receipts.set(receiptKey(kind, String(callback.stream_id), String(callback.sequence)), at);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0}');
        react(callback);
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    receipts,
    setMixUrl(url) {
      mixUrl = url;
    },
    pending: () => inFlight + timers.size,
    close: () =>
      new Promise<void>((resolve) => {
        closed = true;
        for (const timer of timers) clearTimeout(timer);
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
