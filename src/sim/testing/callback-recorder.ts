import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in callback receiver for tests: records every POST's raw body and answers with scripted
 * statuses (default 200) or not at all ('hang'). It does not verify anything itself: tests run the
 * service's own verifier over `received`, so the simulator's signer is checked against it.
 */

export type RecorderAnswer = number | 'hang';

export interface RecordedCallback {
  /** Unix ms of arrival. */
  at: number;
  text: string;
  /** What the recorder answered; null when it hung. */
  status: number | null;
}

export interface CallbackRecorder {
  url: string;
  received: RecordedCallback[];
  /** Answers for the next requests, in order; afterwards 200 again. */
  respondWith(...answers: RecorderAnswer[]): void;
  /** Resolves once `count` callbacks have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedCallback[]>;
  close(): Promise<void>;
}

export async function startCallbackRecorder(): Promise<CallbackRecorder> {
  const received: RecordedCallback[] = [];
  const answers: RecorderAnswer[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const answer = answers.shift() ?? 200;
      received.push({
        at: Date.now(),
        text: Buffer.concat(chunks).toString('utf8'),
        status: answer === 'hang' ? null : answer,
      });
      for (const wake of [...waiters]) wake();
      if (answer === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/callbacks/tencent`,
    received,
    respondWith: (...next) => {
      answers.push(...next);
    },
    waitFor(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`expected ${count} callbacks within ${timeoutMs} ms, got ${received.length}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
