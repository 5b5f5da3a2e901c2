import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Reads a callback's body as text, refusing more than `limit` bytes however it is framed
 * (Content-Length or chunked). Under @hono/node-server it reads the Node request directly: going
 * through `c.req.raw` would build a Web Request, an AbortSignal and a ReadableStream per callback,
 * which profiling showed to be ~40% of the receiver's CPU. Elsewhere (`app.request()` in tests,
 * other runtimes) it reads the Web body with the same limit.
 */
export async function readBodyWithin(c: Context, limit: number): Promise<string | 'too-large'> {
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) return 'too-large';
  const incoming = (c.env as { incoming?: Partial<IncomingMessage> } | undefined)?.incoming;
  return typeof incoming?.[Symbol.asyncIterator] === 'function'
    ? readNode(incoming as IncomingMessage, limit)
    : readWeb(c.req.raw.body, limit);
}

async function readNode(incoming: IncomingMessage, limit: number): Promise<string | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    // Stop reading; the socket closes with the answer, so the rest is never buffered.
    if (size > limit) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

async function readWeb(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<string | 'too-large'> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
