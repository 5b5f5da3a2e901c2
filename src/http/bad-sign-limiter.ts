import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * Counts failed callback sign checks per client address, in fixed windows, in this process.
 *
 * Only a wrong `sign` spends a client's budget: a valid callback never does, an expired `t` (the
 * sign matched, so the sender holds the key: a late retry or a replay) does not either. Over the
 * budget, a bad sign is answered 429 instead of 401 until the window ends — but a callback whose
 * sign is right is still taken from that address. Behind an ingress every client may share one
 * address, and one noisy client must never silence Tencent.
 *
 * Why in-process is enough: the sign is MD5(key + t) over a secret key, not something a client can
 * guess at any rate, so the budget is about shedding noise and flagging abusers, not an exact
 * quota. With N API replicas a client gets at most N × limit 401s per window before seeing 429s.
 * A shared Redis counter would put one Redis round trip on every bad request: a flood would then
 * spend the Redis capacity the receiver needs to enqueue real callbacks.
 */

export interface BadSignLimiterOptions {
  /** Failed sign checks a client may make per window; 0 turns the limiter off. */
  limit: number;
  windowMs: number;
  now: () => number;
  /** Clients tracked at most (memory bound); beyond it, ended windows go first, then the oldest. */
  maxClients?: number;
}

export interface BadSignVerdict {
  /** Over the budget: answer 429. */
  limited: boolean;
  /** When limited: how long until the client's window ends. */
  retryAfterMs: number;
  /** This failure is the first over the budget in the window (log it once, not per request). */
  firstOverLimit: boolean;
}

export interface BadSignLimiter {
  /** Counts one failed sign check from `client` and says whether it is over its budget. */
  recordFailure(client: string): BadSignVerdict;
  /** How long `client` is still over its budget (0: it is not), without counting anything. */
  limitedFor(client: string): number;
  /** Clients currently tracked. */
  readonly size: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

export function createBadSignLimiter(options: BadSignLimiterOptions): BadSignLimiter {
  const { limit, windowMs, now } = options;
  const maxClients = options.maxClients ?? 10_000;
  const windows = new Map<string, Window>();

  // Windows are (re)inserted as they start, so the Map's order is start order: ended windows are
  // always at its front, and sweeping stops at the first live one (amortised O(1) per request).
  const sweep = (at: number) => {
    for (const [client, window] of windows) {
      if (window.startedAt + windowMs > at && windows.size < maxClients) break;
      windows.delete(client);
    }
  };

  return {
    recordFailure(client) {
      if (limit <= 0) return { limited: false, retryAfterMs: 0, firstOverLimit: false };
      const at = now();
      let window = windows.get(client);
      if (!window || window.startedAt + windowMs <= at) {
        windows.delete(client);
        sweep(at);
        window = { startedAt: at, failures: 0 };
        windows.set(client, window);
      }
      window.failures += 1;
      const limited = window.failures > limit;
      return {
        limited,
        retryAfterMs: limited ? window.startedAt + windowMs - at : 0,
        firstOverLimit: window.failures === limit + 1,
      };
    },
    limitedFor(client) {
      const window = windows.get(client);
      if (limit <= 0 || !window || window.failures <= limit) return 0;
      return Math.max(0, window.startedAt + windowMs - now());
    },
    get size() {
      return windows.size;
    },
  };
}

/**
 * The address a request came from: the socket's peer, or — when a trusted proxy in front sets it —
 * the header `header` (for `X-Forwarded-For`, its last entry: the address the nearest proxy saw;
 * earlier entries are whatever the client wrote). `unknown` when neither is available (in-process
 * `app.request()` calls).
 */
export function clientAddress(c: Context, header: string | undefined): string {
  if (header) {
    const value = c.req.header(header)?.split(',').at(-1)?.trim();
    if (value) return value.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
