/**
 * Retry spacing for transient mix errors: capped exponential backoff with full jitter,
 * `random(0, min(cap, base · 2^(attempt-1)))` (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"), so rooms that failed together do not retry together.
 */

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/** Delay before retry number `attemptsMade` (1 after the first failure). */
export function retryDelayMs(
  attemptsMade: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attemptsMade - 1);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}
