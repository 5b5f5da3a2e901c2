import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';

/**
 * Whether a request failed because its client went away or was cut (the request timeout, a reset
 * connection) rather than because of us: such a failure is the client's, worth a debug line, not
 * an error with a stack.
 */
export function isClientAbort(error: unknown, c: Context): boolean {
  const incoming = (c.env as { incoming?: Partial<IncomingMessage> } | undefined)?.incoming;
  if (incoming?.destroyed === true || incoming?.socket?.destroyed === true) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    error.name === 'AbortError' ||
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    code === 'ECONNABORTED'
  );
}
