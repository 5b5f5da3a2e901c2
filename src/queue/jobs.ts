import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The job catalog: each job's payload schema (the type is inferred from it) and its options.
 * Payloads carry no secrets: BullMQ stores job data in clear text.
 */

export const liveEventJobSchema = z.object({
  kind: z.enum(['push', 'disconnect']),
  streamId: z.string().min(1).max(1024),
  sequence: z.string().max(40),
  eventTimeMs: z.number().int().nonnegative(),
  /** When the receiver took the callback: the earliest moment the stream was known live. */
  receivedAt: z.number().int().nonnegative(),
  domain: z.string().max(4096),
  appName: z.string().max(4096),
  params: z.record(z.string(), z.string()),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  errcode: z.number().int(),
  unmixable: z.string().optional(),
});
export type LiveEventJob = z.infer<typeof liveEventJobSchema>;

export const reconcileJobSchema = z.object({ roomId: z.string().min(1).max(64) });
export type ReconcileJob = z.infer<typeof reconcileJobSchema>;

/**
 * Tencent retries a callback with the same stream, sequence and kind: the job id is derived from
 * them so a retry is a no-op while the first job is kept. Hashed because stream ids are free text
 * and BullMQ ids may not contain ':'.
 */
export function liveEventJobId(event: Pick<LiveEventJob, 'streamId' | 'sequence' | 'kind'>): string {
  const digest = createHash('sha1')
    .update(`${event.kind}\n${event.streamId}\n${event.sequence}`)
    .digest('hex');
  return `ev-${digest.slice(0, 32)}`;
}

/**
 * Tencent retries a callback for about 12 minutes: its deduplication key lives longer than that,
 * so a retry is dropped at the door. The job itself need not stay: a small dedup key (~100 bytes)
 * does the job a kept job hash (~1.5 KB) would otherwise do.
 */
export const LIVE_EVENT_DEDUP_TTL_MS = 30 * 60_000;

/** Options of one callback's job; its id is also its deduplication id. */
export function liveEventJobOptions(jobId: string) {
  return {
    jobId,
    deduplication: { id: jobId, ttl: LIVE_EVENT_DEDUP_TTL_MS },
    attempts: 5,
    backoff: { type: 'exponential', delay: 500 },
    // Recent ones stay for the dashboard and for tests that follow a callback to its job.
    removeOnComplete: { age: 3600, count: 10_000 },
    removeOnFail: { age: 24 * 3600 },
  } as const;
}
