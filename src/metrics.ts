import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Distinct `code` values of mixkeeper_mix_unknown_errors_total per process: a bound on its series. */
const UNKNOWN_CODE_LABELS = 50;

/**
 * The Prometheus metrics of one process. Created per process (and per test) rather than as
 * module globals, so two apps in one test never share counters.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const unknownErrors = new Counter({
    name: 'mixkeeper_mix_unknown_errors_total',
    help: `Mix API answers with a code in no catalogue (src/tencent/errors.ts), by code (API 3.0 code:embedded number when both); at most ${UNKNOWN_CODE_LABELS} codes per process, the rest as "other"`,
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const unknownCodes = new Set<string>();
  return {
    registry,
    callbacks: new Counter({
      name: 'mixkeeper_callbacks_total',
      help: 'Callbacks received, by outcome (enqueued, ignored, unmixable, not_allowed, bad_request, unauthorized, too_large, unavailable, rate_limited)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    observations: new Counter({
      name: 'mixkeeper_observations_total',
      help: 'Push/disconnect events applied to room state, by outcome (applied, duplicate, stale, unknown, refused, no_room, bad_room)',
      labelNames: ['kind', 'outcome'] as const,
      registers: [registry],
    }),
    capsRefused: new Counter({
      name: 'mixkeeper_caps_refused_total',
      help: 'Callbacks refused at a cap, by cap (streams: ROOM_MAX_STREAMS, rooms: ROOMS_MAX, push_origins: PUSH_ORIGINS_MAX)',
      labelNames: ['cap'] as const,
      registers: [registry],
    }),
    streamVerifications: new Counter({
      name: 'mixkeeper_stream_verifications_total',
      help: 'New streams settled against the online list (VERIFY_NEW_STREAMS), by verdict (listed, unlisted: never mixed, unchecked: the list could not be read, mixed)',
      labelNames: ['verdict'] as const,
      registers: [registry],
    }),
    reconciles: new Counter({
      name: 'mixkeeper_reconciles_total',
      help: 'Room reconciles, by decision (noop, wait, start, cancel, skipped)',
      labelNames: ['decision'] as const,
      registers: [registry],
    }),
    mixRequests: new Histogram({
      name: 'mixkeeper_mix_request_seconds',
      help: 'Mix API requests by operation and answer code (0 = success), with latency',
      labelNames: ['op', 'code'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    roomFailures: new Counter({
      name: 'mixkeeper_room_failures_total',
      help: 'Rooms marked failed, by operation and reason (permanent: refused for good; retries_exhausted: a transient error outlasted MIX_RETRY_MAX_ATTEMPTS)',
      labelNames: ['op', 'reason'] as const,
      registers: [registry],
    }),
    unknownErrors,
    /** Counts an answer code no catalogue knows; the label is sanitised and its values capped. */
    countUnknownError(error: { code: string | number; apiCode?: string | undefined }): void {
      const code = String(error.code);
      const raw = error.apiCode && error.apiCode !== code ? `${error.apiCode}:${code}` : code;
      let label = raw.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 64);
      if (!unknownCodes.has(label)) {
        if (unknownCodes.size >= UNKNOWN_CODE_LABELS) label = 'other';
        else unknownCodes.add(label);
      }
      unknownErrors.inc({ code: label });
    },
    resync: new Counter({
      name: 'mixkeeper_resync_total',
      help: 'What the periodic resync did, by action (sweep, room, reconcile, expire, confirm, retry_failed, busy, error, redis_empty)',
      labelNames: ['action'] as const,
      registers: [registry],
    }),
    roomsForgotten: new Counter({
      name: 'mixkeeper_rooms_forgotten_total',
      help: 'Rooms the resync forgot after ROOM_IDLE_FORGET_MS idle with nothing to keep them',
      registers: [registry],
    }),
    webhookDeliveries: new Counter({
      name: 'mixkeeper_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by event type and outcome (delivered, retry, gave_up: refused by a 4xx, expired: attempts ran out)',
      labelNames: ['event', 'outcome'] as const,
      registers: [registry],
    }),
    webhookDeliverySeconds: new Histogram({
      name: 'mixkeeper_webhook_delivery_seconds',
      help: 'Webhook delivery attempts, by event type and outcome, with latency (until the answer or the timeout)',
      labelNames: ['event', 'outcome'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    webhookEndpointPaused: new Gauge({
      name: 'mixkeeper_webhook_endpoint_paused',
      help: 'Webhook endpoints this process paused after WEBHOOK_PAUSE_AFTER_FAILURES consecutive failures (1), or saw delivered to since (0)',
      labelNames: ['endpoint'] as const,
      registers: [registry],
    }),
    rooms: new Gauge({
      name: 'mixkeeper_rooms',
      help: 'Rooms by status (idle, pending, mixing, failed, deleting), as counted by the last resync sweep this process ran',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'mixkeeper_queue_jobs',
      help: 'Jobs per queue and state, read on scrape',
      labelNames: ['queue', 'state'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
