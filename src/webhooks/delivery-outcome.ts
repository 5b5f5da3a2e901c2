/**
 * What a delivery's answer means, and when to try again. Pure: the answer, the attempt and the
 * settings in; no clock, no randomness of its own.
 */

export type DeliveryOutcome =
  /** 2xx: the receiver has it. */
  | 'delivered'
  /** Timeout, no connection, 5xx, 408 or 429: send it again later. */
  | 'retry'
  /** Any other answer (4xx, 3xx): the receiver refuses it; sending it again would not help. */
  | 'gave_up'
  /** Retryable, but the attempts ran out. */
  | 'expired';

export const DELIVERY_OUTCOMES = ['delivered', 'retry', 'gave_up', 'expired'] as const;

/** `status` 0: no answer (timeout, refused connection, reset). */
export function deliveryOutcome(status: number, attempt: number, maxAttempts: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return 'delivered';
  const retryable = status === 0 || status >= 500 || status === 408 || status === 429;
  if (!retryable) return 'gave_up';
  return attempt >= maxAttempts ? 'expired' : 'retry';
}

/**
 * The wait before attempt `attempt + 1`: min(cap, base · 2^(attempt−1)) scaled by `random` to
 * 50–100 % of it ("equal jitter": spread out, yet the schedule's length stays predictable), and
 * never less than what the receiver asked for with Retry-After (up to the cap).
 */
export function deliveryRetryDelayMs(
  attempt: number,
  retry: { baseMs: number; capMs: number },
  random: number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(retry.capMs, retry.baseMs * 2 ** Math.min(attempt - 1, 40));
  const jittered = Math.round(ceiling * (0.5 + random / 2));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, retry.capMs));
}
