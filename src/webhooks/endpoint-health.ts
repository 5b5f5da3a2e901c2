import type { RoomStore } from '../rooms/room-store.js';

/**
 * How an endpoint fares across all rooms: consecutive failed deliveries, and a pause once they
 * reach WEBHOOK_PAUSE_AFTER_FAILURES. A paused endpoint is sent nothing until the pause ends; then
 * one delivery probes it: a success clears the count, a failure pauses it again. Shown by
 * `GET /v1/webhooks` and the `mixkeeper_webhook_endpoint_paused` gauge.
 */

export interface EndpointHealth {
  /** Failed deliveries since the last success. */
  failures: number;
  /** Unix ms; absent or past: not paused. */
  pausedUntil?: number;
  lastStatus?: number;
  lastAt?: number;
  /** Why the last failed delivery failed (an HTTP status, or what went wrong without one). */
  lastError?: string;
}

export async function readHealth(store: RoomStore, endpointId: string): Promise<EndpointHealth> {
  const raw = await store.redis.hgetall(store.keys.webhookHealth(endpointId));
  const num = (value: string | undefined) => (value === undefined ? undefined : Number(value));
  const pausedUntil = num(raw.pausedUntil);
  const lastStatus = num(raw.lastStatus);
  const lastAt = num(raw.lastAt);
  return {
    failures: num(raw.failures) ?? 0,
    ...(pausedUntil ? { pausedUntil } : {}),
    ...(lastStatus !== undefined ? { lastStatus } : {}),
    ...(lastAt !== undefined ? { lastAt } : {}),
    ...(raw.lastError ? { lastError: raw.lastError } : {}),
  };
}

export async function recordSuccess(
  store: RoomStore,
  endpointId: string,
  status: number,
  nowMs: number,
): Promise<void> {
  const key = store.keys.webhookHealth(endpointId);
  await store.redis
    .multi()
    .hset(key, 'failures', 0, 'lastStatus', status, 'lastAt', nowMs)
    .hdel(key, 'pausedUntil', 'lastError')
    .exec();
}

/** Counts a failure; returns until when the endpoint is paused, when this failure paused it. */
export async function recordFailure(
  store: RoomStore,
  endpointId: string,
  failure: { status: number; error: string },
  nowMs: number,
  pause: { after: number; ms: number },
): Promise<number | undefined> {
  const key = store.keys.webhookHealth(endpointId);
  const failures = await store.redis.hincrby(key, 'failures', 1);
  await store.redis.hset(key, 'lastStatus', failure.status, 'lastAt', nowMs, 'lastError', failure.error);
  if (pause.after === 0 || failures < pause.after) return undefined;
  const until = nowMs + pause.ms;
  await store.redis.hset(key, 'pausedUntil', until);
  return until;
}

/** Forgets a removed endpoint's health. */
export async function forgetHealth(store: RoomStore, endpointId: string): Promise<void> {
  await store.redis.del(store.keys.webhookHealth(endpointId));
}
