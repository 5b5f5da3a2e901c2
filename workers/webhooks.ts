import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import type { Postponed, WebhookDeliveryJob } from '../src/queue/catalog.js';
import { encodeAuditFields } from '../src/rooms/audit.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { runWebhookAudit } from '../src/rooms/scripts/webhook-outbox.js';
import {
  type DeliveryOutcome,
  deliveryOutcome,
  deliveryRetryDelayMs,
} from '../src/webhooks/delivery-outcome.js';
import { readHealth, recordFailure, recordSuccess } from '../src/webhooks/endpoint-health.js';
import { getEndpoint } from '../src/webhooks/endpoints.js';
import {
  attemptsMade,
  completeHead,
  dropOutbox,
  outboxHead,
  type QueuedEvent,
  recordAttempts,
  reindexOutbox,
} from '../src/webhooks/outbox.js';
import { type DeliveryAnswer, postEvent } from '../src/webhooks/post-event.js';
import type { WebhookSettings } from '../src/webhooks/settings.js';

/**
 * The `webhookDeliveries` handler: sends the head of one room's outbox for one endpoint, and the
 * next once it is delivered or given up, so the room's events arrive in order. A retryable failure
 * leaves the head in place and postpones the job (no BullMQ attempt spent; the outbox counts the
 * event's attempts); a paused endpoint postpones it until the pause ends.
 */

export interface WebhookHandlerDeps {
  store: RoomStore;
  settings: WebhookSettings;
  now: () => number;
  log: Logger;
  metrics?: Metrics | undefined;
  random?: () => number;
}

/** Events sent in one run before the job makes way for others (it comes back at once). */
const EVENTS_PER_RUN = 20;

export function webhookHandler(deps: WebhookHandlerDeps) {
  const random = deps.random ?? Math.random;
  return async ({ roomId, endpointId }: WebhookDeliveryJob): Promise<string | Postponed> => {
    const { store, settings } = deps;
    for (let sent = 0; sent < EVENTS_PER_RUN; sent++) {
      const endpoint = await getEndpoint({ store, settings }, endpointId);
      if (!endpoint) {
        await dropOutbox(store, roomId, endpointId);
        return 'endpoint removed: its outbox dropped';
      }
      const { pausedUntil } = await readHealth(store, endpointId);
      if (pausedUntil !== undefined && pausedUntil > deps.now()) {
        // Spread the rooms' probes over a tenth of the pause, so its end is not one burst.
        const until = pausedUntil + Math.round(random() * settings.pauseMs * 0.1);
        return { postponed: { until, reason: `endpoint ${endpointId} paused` } };
      }
      const head = await outboxHead(store, roomId, endpointId);
      if (!head) {
        await reindexOutbox(store, roomId, endpointId, deps.now());
        return sent ? `sent ${sent}` : 'nothing to send';
      }
      const attempt = (await attemptsMade(store, roomId, endpointId, head.id)) + 1;
      if (!settings.secrets.length) return 'no WEBHOOK_SECRET: nothing is sent';
      const answer = await postEvent(endpoint.url, head, settings.secrets, settings.timeoutMs, deps.now);
      const outcome = deliveryOutcome(answer.status, attempt, settings.maxAttempts);
      await record(deps, roomId, endpointId, head, answer, outcome, attempt);
      if (outcome === 'retry') {
        await recordAttempts(store, roomId, endpointId, head.id, attempt);
        const waitMs = deliveryRetryDelayMs(attempt, settings.retry, random(), answer.retryAfterMs);
        return {
          postponed: {
            until: deps.now() + waitMs,
            reason: `${head.type} ${head.id}: attempt ${attempt} failed`,
          },
        };
      }
      await completeHead(store, roomId, endpointId, head.id);
    }
    return { postponed: { until: deps.now(), reason: `sent ${EVENTS_PER_RUN}: more to send` } };
  };
}

/** Metrics and endpoint health for every attempt; the room's timeline for an event's first failure and its end. */
async function record(
  deps: WebhookHandlerDeps,
  roomId: string,
  endpointId: string,
  head: QueuedEvent,
  answer: DeliveryAnswer,
  outcome: DeliveryOutcome,
  attempt: number,
): Promise<void> {
  const { store, settings, metrics, log } = deps;
  const now = deps.now();
  metrics?.webhookDeliveries.inc({ event: head.type, outcome });
  metrics?.webhookDeliverySeconds.observe({ event: head.type, outcome }, answer.ms / 1000);
  if (outcome === 'delivered') {
    await recordSuccess(store, endpointId, answer.status, now);
    metrics?.webhookEndpointPaused.set({ endpoint: endpointId }, 0);
  } else {
    const error = answer.error ?? `HTTP ${answer.status}`;
    const pausedUntil = await recordFailure(store, endpointId, { status: answer.status, error }, now, {
      after: settings.pauseAfter,
      ms: settings.pauseMs,
    });
    if (pausedUntil !== undefined) {
      metrics?.webhookEndpointPaused.set({ endpoint: endpointId }, 1);
      log.warn(
        { endpoint: endpointId, until: new Date(pausedUntil).toISOString() },
        'webhook endpoint paused',
      );
    }
    log.info(
      { room: roomId, endpoint: endpointId, event: head.type, id: head.id, attempt, outcome, error },
      'webhook delivery failed',
    );
  }
  if (outcome === 'retry' && attempt > 1) return;
  await runWebhookAudit(store.redis, store.keys.room(roomId), {
    at: now,
    auditCap: store.auditCap,
    auditType: 'webhook',
    auditFields: encodeAuditFields('webhook', {
      outcome,
      event: head.type,
      endpoint: endpointId,
      status: answer.status,
      ms: answer.ms,
      attempt,
      id: head.id,
      ...(answer.error ? { error: answer.error } : {}),
    }),
  });
}
