import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../config.js';
import { type LiveEvent, liveEventSchema } from '../tencent/callback.js';

/**
 * The job catalog: every queue, its payload schema (the type is inferred from it), the options
 * each job is added with, and how its workers run it. Handlers are registered under the same keys
 * (`JobHandlers`), so a payload's type is never cast. Plain data: src/queue/bullmq.ts is the one
 * place that turns it into BullMQ options. Payloads carry no secrets: BullMQ stores them in clear.
 */

/**
 * Every queue lives under one hash-tagged prefix, so on Redis Cluster all of a queue's keys (and
 * BullMQ's multi-key scripts) land in one slot.
 */
export const QUEUE_PREFIX = '{mk}';

export const reconcileJobSchema = z.object({ roomId: z.string().min(1).max(64) });
export type ReconcileJob = z.infer<typeof reconcileJobSchema>;

export const resyncJobSchema = z.object({
  /** What started the sweep: the schedule, a worker's start-up, or Redis found empty. */
  reason: z.enum(['schedule', 'start-up', 'redis-empty']),
});
export type ResyncJob = z.infer<typeof resyncJobSchema>;

/** Delivers one room's webhook events to one endpoint, in order (workers/webhooks.ts). */
export const webhookDeliveryJobSchema = z.object({
  roomId: z.string().min(1).max(64),
  endpointId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
});
export type WebhookDeliveryJob = z.infer<typeof webhookDeliveryJobSchema>;

/** The settings the workers' options follow (src/config.ts). */
export type WorkerSettings = Pick<
  Config,
  | 'EVENTS_CONCURRENCY'
  | 'RECONCILE_CONCURRENCY'
  | 'MIX_RETRY_BASE_MS'
  | 'WORKER_LOCK_MS'
  | 'WORKER_STALLED_CHECK_MS'
  | 'WEBHOOK_CONCURRENCY'
>;

/** Finished jobs kept (for the dashboard and for following a callback to its job); older ones go. */
export type Retention = { ageMs: number; count?: number } | { count: number };

export interface JobPolicy<P> {
  attempts: number;
  /**
   * Delay before each retry. `mix`: capped, fully jittered exponential from the worker's
   * `retryDelay` (src/reconcile/backoff.ts). The name is stored with each job: keep it.
   */
  backoff?: { type: 'exponential'; delayMs: number } | { type: 'mix' };
  keepCompleted: Retention;
  keepFailed: Retention;
  /** The job's id, when it has a natural one. */
  jobId?: (payload: P) => string;
  /**
   * While a job with this id waits or runs, another add is dropped; `ttlMs` keeps the id that long
   * whatever becomes of the job. `reschedule` moves a waiting one to the new delay instead;
   * `keepLastIfActive` keeps the latest add while one runs and queues it when that run ends.
   */
  dedup?: {
    id: (payload: P) => string;
    ttlMs?: number;
    reschedule?: boolean;
    keepLastIfActive?: boolean;
  };
}

export interface WorkerPolicy {
  /** Jobs run at once per worker process. */
  concurrency: number;
  /** Runs at once across every worker (unset: no limit). */
  globalConcurrency?: number;
  /** A running job's lock, renewed at half of it: it lapses only when its process died or froze. */
  lockMs: number;
  /** How often a lapsed lock is looked for; the job then runs again. */
  stalledCheckMs: number;
  /** Lapses after which a job fails instead of running again. */
  maxStalls: number;
  /** Bounds of the `mix` backoff. */
  retryDelay?: { baseMs: number; capMs: number };
}

/** One queue: payloads of type `P`; its jobs' options follow the settings `S`. */
export interface JobDefinition<P, S = object> {
  /** The BullMQ queue name; part of every key, so never renamed. */
  queue: string;
  schema: z.ZodType<P>;
  job(settings: S): JobPolicy<P>;
  worker(settings: WorkerSettings): WorkerPolicy;
}

const HOUR_MS = 3600_000;
const locks = (s: WorkerSettings) => ({
  lockMs: s.WORKER_LOCK_MS,
  stalledCheckMs: s.WORKER_STALLED_CHECK_MS,
});

/**
 * Tencent retries a callback for about 12 minutes: its deduplication id lives longer than that, so
 * a retry is dropped at the door. The job itself need not stay: a small dedup key (~100 bytes)
 * does the job a kept job hash (~1.5 KB) would otherwise do.
 */
export const LIVE_EVENT_DEDUP_TTL_MS = 30 * 60_000;

export const RESYNC_SCHEDULER_ID = 'resync';

const defineJob = <P, S = object>(definition: JobDefinition<P, S>) => definition;

export const jobCatalog = {
  /**
   * One job per authentic push/disconnect callback: applies it to its room (workers/events.ts).
   * The payload is the callback's `LiveEvent` itself: nothing is added or dropped on the way.
   */
  liveEvents: defineJob({
    queue: 'live-events',
    schema: liveEventSchema,
    job: () => ({
      attempts: 5,
      backoff: { type: 'exponential', delayMs: 500 },
      keepCompleted: { ageMs: HOUR_MS, count: 10_000 },
      keepFailed: { ageMs: 24 * HOUR_MS },
      // A retried callback has the same id: a no-op while the first job is kept.
      jobId: liveEventJobId,
      dedup: { id: liveEventJobId, ttlMs: LIVE_EVENT_DEDUP_TTL_MS },
    }),
    worker: (s) => ({
      concurrency: s.EVENTS_CONCURRENCY,
      ...locks(s),
      // A stalled event runs again rather than fail: applying it twice is a no-op, losing it is not
      // (Tencent got its 200 and never resends; a lost push cannot be repaired).
      maxStalls: 10,
    }),
  }),

  /** At most one job per room waits or runs: recompute the layout, drive the mix API (workers/reconcile.ts). */
  reconcile: defineJob({
    queue: 'reconcile',
    schema: reconcileJobSchema,
    job: (s: Pick<Config, 'MIX_RETRY_MAX_ATTEMPTS'>) => ({
      attempts: s.MIX_RETRY_MAX_ATTEMPTS,
      backoff: { type: 'mix' },
      keepCompleted: { ageMs: HOUR_MS, count: 1000 },
      keepFailed: { ageMs: 24 * HOUR_MS, count: 1000 },
      // One job per room: a new request moves a waiting one to its delay, and is kept for later
      // while one runs. A run that outlives its lock (a frozen process) does not make two: the room's
      // lease (RECONCILE_LEASE_MS, longer than the lock; src/rooms/lease.ts) holds its rerun off while
      // it lasts.
      dedup: {
        id: ({ roomId }) => reconcileDeduplicationId(roomId),
        reschedule: true,
        keepLastIfActive: true,
      },
    }),
    worker: (s) => ({
      concurrency: s.RECONCILE_CONCURRENCY,
      ...locks(s),
      // Like an event: a stalled run (its process froze past WORKER_LOCK_MS) runs again rather than
      // fail, which would bypass the room's outcome (no lastError, no failure metric).
      maxStalls: 10,
      retryDelay: { baseMs: s.MIX_RETRY_BASE_MS, capMs: s.MIX_RETRY_BASE_MS * 64 },
    }),
  }),

  /**
   * The periodic sweep (workers/resync.ts). A job scheduler cannot carry deduplication, so the
   * scheduled job only starts a sweep and the sweep asks for each room's reconcile.
   */
  resync: defineJob({
    queue: 'resync',
    schema: resyncJobSchema,
    job: () => ({
      attempts: 1,
      keepCompleted: { count: 50 },
      keepFailed: { count: 50 },
      // While one sweep is still queued, further asks are dropped.
      dedup: { id: () => 'resync-now' },
    }),
    // One sweep at a time across all workers: a slow sweep must not overlap the next.
    worker: (s) => ({ concurrency: 1, globalConcurrency: 1, ...locks(s), maxStalls: 1 }),
  }),

  /**
   * At most one job per room and endpoint waits or runs: it sends the head of that outbox, and the
   * next once the head is delivered or given up (src/webhooks/outbox.ts), so a room's events reach an
   * endpoint in order. A delivery's retries wait as postponements, counted in the outbox: the job's
   * own attempts are for Redis trouble only.
   */
  webhookDeliveries: defineJob({
    queue: 'webhooks',
    schema: webhookDeliveryJobSchema,
    job: () => ({
      attempts: 10,
      backoff: { type: 'exponential', delayMs: 1000 },
      keepCompleted: { ageMs: HOUR_MS, count: 1000 },
      keepFailed: { ageMs: 24 * HOUR_MS, count: 1000 },
      // A kick while the job waits (for its retry) is dropped: the job sends whatever is queued. A kick
      // while it runs is kept and runs after it, so an event queued meanwhile is never stranded.
      dedup: { id: webhookDeliveryDedupId, keepLastIfActive: true },
    }),
    // A stalled delivery runs again (at least once): the receiver deduplicates on the event id.
    worker: (s) => ({ concurrency: s.WEBHOOK_CONCURRENCY, ...locks(s), maxStalls: 10 }),
  }),
};

export type JobCatalog = typeof jobCatalog;

export type JobName = keyof JobCatalog;
export type PayloadOf<N extends JobName> = z.infer<JobCatalog[N]['schema']>;

/** Queue names by catalog key. */
export const QUEUES = {
  liveEvents: jobCatalog.liveEvents.queue,
  reconcile: jobCatalog.reconcile.queue,
  resync: jobCatalog.resync.queue,
  webhookDeliveries: jobCatalog.webhookDeliveries.queue,
} as const satisfies Record<JobName, string>;

/** What a handler is told about the job it runs. */
export interface JobContext {
  /** 1 for the first try, up to `max`. */
  attempt: { number: number; max: number };
  /**
   * The job ran before: a retry, a run its dead worker left (stalled), or one released at shutdown.
   * What that run did may be done in part.
   */
  rerun: boolean;
}

/**
 * A handler's way of saying "not done, not failed: run me again at `until`" (no attempt spent).
 * `recheck`, asked once the job waits, may bring it forward by a new delay in ms: something that
 * changed while this run was deciding could not move the job.
 */
export interface Postponed {
  postponed: { until: number; reason: string; recheck?: () => Promise<number | undefined> };
}

/** A job's handler: a payload that passed its schema in, a result (or a postponement) out; throw to retry. */
export type JobHandler<P, R = unknown> = (payload: P, context: JobContext) => Promise<R | Postponed>;

/** One handler per catalog key. */
export type JobHandlers = { [N in JobName]: JobHandler<PayloadOf<N>> };

/**
 * A callback's job id, from its stream, sequence and kind: Tencent's retries of it get the same.
 * Hashed because stream ids are free text and BullMQ ids may not contain ':'.
 */
export function liveEventJobId(event: Pick<LiveEvent, 'streamId' | 'sequence' | 'kind'>): string {
  const digest = createHash('sha1')
    .update(`${event.kind}\n${event.streamId}\n${event.sequence}`)
    .digest('hex');
  return `ev-${digest.slice(0, 32)}`;
}

/** The deduplication id of a room's reconcile job: one per room. */
export function reconcileDeduplicationId(roomId: string): string {
  return `room-${roomId}`;
}

/** The deduplication id of a room's deliveries to one endpoint: one job per pair. */
export function webhookDeliveryDedupId({ roomId, endpointId }: WebhookDeliveryJob): string {
  return `hook-${endpointId}-${roomId}`;
}
