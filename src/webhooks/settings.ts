import { createHash } from 'node:crypto';
import type { Config } from '../config.js';
import type { MixEventType } from './event.js';

/** An endpoint events are delivered to, set by the environment or added through `/v1/webhooks`. */
export interface WebhookEndpoint {
  /** `env-…` (from its URL, stable across restarts) or `wh-…` (added through the API). */
  id: string;
  url: string;
  source: 'env' | 'api';
  /** Only these event types are sent; absent: all. */
  events?: MixEventType[] | undefined;
  /** Only events of rooms whose id starts with this are sent; absent: every room. */
  roomPrefix?: string | undefined;
  createdAt?: number;
}

/** How webhooks are signed, sent and retried: the WEBHOOK_* settings (src/config.ts). */
export interface WebhookSettings {
  /** Signing secrets, the current first; empty: nothing is sent. */
  secrets: string[];
  /** The endpoints WEBHOOK_URLS names. */
  fixed: WebhookEndpoint[];
  timeoutMs: number;
  retry: { baseMs: number; capMs: number };
  maxAttempts: number;
  /** Consecutive failures that pause an endpoint (0: never), and for how long. */
  pauseAfter: number;
  pauseMs: number;
}

export function webhookSettingsFrom(
  config: Pick<
    Config,
    | 'WEBHOOK_URLS'
    | 'WEBHOOK_EVENTS'
    | 'WEBHOOK_ROOM_PREFIX'
    | 'WEBHOOK_SECRET'
    | 'WEBHOOK_SECRET_PREVIOUS'
    | 'WEBHOOK_TIMEOUT_MS'
    | 'WEBHOOK_RETRY_BASE_MS'
    | 'WEBHOOK_RETRY_CAP_MS'
    | 'WEBHOOK_MAX_ATTEMPTS'
    | 'WEBHOOK_PAUSE_AFTER_FAILURES'
    | 'WEBHOOK_PAUSE_MS'
  >,
): WebhookSettings {
  return {
    secrets: [config.WEBHOOK_SECRET, config.WEBHOOK_SECRET_PREVIOUS].filter((s): s is string => Boolean(s)),
    fixed: (config.WEBHOOK_URLS ?? []).map((url) => ({
      id: envEndpointId(url),
      url,
      source: 'env',
      events: config.WEBHOOK_EVENTS,
      roomPrefix: config.WEBHOOK_ROOM_PREFIX,
    })),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retry: { baseMs: config.WEBHOOK_RETRY_BASE_MS, capMs: config.WEBHOOK_RETRY_CAP_MS },
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    pauseAfter: config.WEBHOOK_PAUSE_AFTER_FAILURES,
    pauseMs: config.WEBHOOK_PAUSE_MS,
  };
}

/** An environment endpoint's id, from its URL: the same URL keeps its outboxes across restarts. */
export function envEndpointId(url: string): string {
  return `env-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** Whether the endpoint is sent this event. */
export function wants(endpoint: WebhookEndpoint, event: { type: string; roomId: string }): boolean {
  if (endpoint.events && !endpoint.events.includes(event.type as MixEventType)) return false;
  return !endpoint.roomPrefix || event.roomId.startsWith(endpoint.roomPrefix);
}

/** The URL with its query values and credentials hidden: a token in a URL is a secret too. */
export function shownUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = parsed.username ? '***' : '';
    parsed.password = parsed.password ? '***' : '';
  }
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, '***');
  return parsed.toString();
}
