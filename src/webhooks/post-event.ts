import { signatureHeaders } from './sign.js';

export interface DeliveryAnswer {
  /** HTTP status; 0 when none came (timeout, refused, reset). */
  status: number;
  ms: number;
  /** Why no status came, in a few words. */
  error?: string;
  /** The receiver's Retry-After (429, 503), in ms. */
  retryAfterMs?: number;
}

/**
 * POSTs one signed event body to an endpoint. Redirects are not followed (a 3xx is an answer); the
 * answer's body is read and dropped. Never throws: every failure is an answer with status 0.
 */
export async function postEvent(
  url: string,
  event: { id: string; body: string },
  secrets: readonly string[],
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<DeliveryAnswer> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'mixkeeper-webhooks',
        ...signatureHeaders(event.id, event.body, secrets, new Date(now())),
      },
      body: event.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    const retryAfterMs = retryAfter(res.headers.get('retry-after'), now());
    return { status: res.status, ms: ms(), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const reason =
      name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : error instanceof Error && error.cause instanceof Error
          ? error.cause.message
          : String(error);
    return { status: 0, ms: ms(), error: reason.slice(0, 120) };
  }
}

function retryAfter(header: string | null, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
