import type { Context } from 'hono';
import type { Logger } from '../log.js';
import { clientAddress, createBadSignLimiter } from './bad-sign-limiter.js';
import { problem } from './problem.js';

/**
 * Failed logins and wrong bearer tokens, counted per client address with the callbacks' limiter.
 * Past ADMIN_AUTH_FAIL_LIMIT in a window, every credential that address presents is answered 429
 * unchecked until the window ends (so guessing gains nothing), while a session cookie it already
 * holds keeps working. Each failure is logged with the address and what failed, never the token.
 */

export interface AuthFailureOptions {
  limit: number;
  windowMs: number;
  /** CALLBACK_CLIENT_IP_HEADER: the trusted proxy's client-address header, if any. */
  clientIpHeader: string | undefined;
  now: () => number;
  log: Logger;
}

export type CredentialKind = 'bearer' | 'login';

export interface AuthFailures {
  /** The 429 to answer instead of checking credentials from this client, if it is over its budget. */
  refusal(c: Context): Response | undefined;
  /** Counts and logs one failed attempt; the 429 to answer when it was one too many. */
  failed(c: Context, kind: CredentialKind): Response | undefined;
}

export function createAuthFailures(options: AuthFailureOptions): AuthFailures {
  const limiter = createBadSignLimiter({
    limit: options.limit,
    windowMs: options.windowMs,
    now: options.now,
  });
  return {
    refusal(c) {
      return tooMany(c, limiter.limitedFor(clientAddress(c, options.clientIpHeader)));
    },
    failed(c, kind) {
      const client = clientAddress(c, options.clientIpHeader);
      const verdict = limiter.recordFailure(client);
      if (verdict.firstOverLimit) {
        options.log.warn(
          { client, credential: kind },
          'admin sign-in failures over the budget: answering 429',
        );
      } else if (!verdict.limited) {
        options.log.warn({ client, credential: kind, path: c.req.path }, 'admin sign-in failed');
      }
      return verdict.limited ? tooMany(c, verdict.retryAfterMs) : undefined;
    },
  };
}

function tooMany(c: Context, waitMs: number): Response | undefined {
  if (waitMs <= 0) return undefined;
  c.header('Retry-After', String(Math.max(1, Math.ceil(waitMs / 1000))));
  return problem(c, 'rate_limited', 'too many failed sign-ins from this address; retry later');
}
