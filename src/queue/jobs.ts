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

/** Keeps an event job id long enough to absorb Tencent's retries (12 × 1 min) and a bit more. */
export const LIVE_EVENT_RETENTION_S = 30 * 60;

export const liveEventJobOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 500 },
  removeOnComplete: { age: LIVE_EVENT_RETENTION_S, count: 100_000 },
  removeOnFail: { age: 24 * 3600 },
} as const;
