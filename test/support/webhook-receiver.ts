import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * A real HTTP receiver of mixkeeper's webhooks, as an app would write it: every delivery is
 * verified with the `standardwebhooks` package (any secret given may verify it), then answered
 * with whatever `answer` says (default 204). Every attempt is recorded, verified or not.
 */

export interface ReceivedDelivery {
  /** `webhook-id`. */
  id: string;
  type: string;
  /** The verified, parsed body. */
  body: { id: string; type: string; timestamp: string; data: ReceivedEventData };
  /** Which of the receiver's secrets verified it (index), or -1 when none did. */
  verifiedBy: number;
  answered: number;
  at: number;
}

export interface ReceivedEventData {
  roomId: string;
  sessionId?: string;
  output?: { streamId: string; width: number; height: number };
  tiles: {
    streamId: string;
    role: string;
    media: string;
    z: number;
    rect?: { x: number; y: number; width: number; height: number };
    crop?: unknown;
  }[];
  error?: { code: number | string; message: string; hint: string };
}

export interface WebhookReceiver {
  url: string;
  /** Every attempt, in arrival order. */
  attempts: ReceivedDelivery[];
  /** Attempts answered 2xx (what the app took), in arrival order. */
  delivered(): ReceivedDelivery[];
  /** How the next attempts are answered. */
  answer: (delivery: Omit<ReceivedDelivery, 'answered' | 'at'>) => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(secrets: string[]): Promise<WebhookReceiver> {
  const verifiers = secrets.map((secret) => new Webhook(secret));
  const receiver: WebhookReceiver = {
    url: '',
    attempts: [],
    delivered: () => receiver.attempts.filter((a) => a.answered >= 200 && a.answered < 300),
    answer: () => 204,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
    );
    let body: ReceivedDelivery['body'] | undefined;
    let verifiedBy = -1;
    for (const [i, verifier] of verifiers.entries()) {
      try {
        body = verifier.verify(raw, headers) as ReceivedDelivery['body'];
        verifiedBy = i;
        break;
      } catch {}
    }
    const parsed = body ?? (JSON.parse(raw) as ReceivedDelivery['body']);
    const delivery = { id: headers['webhook-id'] ?? '', type: parsed.type, body: parsed, verifiedBy };
    const answered = verifiedBy === -1 ? 401 : receiver.answer(delivery);
    receiver.attempts.push({ ...delivery, answered, at: Date.now() });
    res.writeHead(answered).end();
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
