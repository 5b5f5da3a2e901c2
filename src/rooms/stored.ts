import { z } from 'zod';
import { storedPlanSchema } from './stored-plan.js';

/** What mixkeeper keeps about a room in Redis, one schema per stored shape. */

/** One stream of a room, as observed from callbacks. */
export const storedStreamSchema = z.object({
  streamId: z.string(),
  sequence: z.string(),
  role: z.enum(['main', 'guest']),
  media: z.enum(['av', 'audio', 'video']),
  /** When mixkeeper learnt of the push (receiver time): readiness counts from here. */
  pushedAt: z.number(),
  /** The platform's event time of the push (1 s resolution): orders pushes. */
  eventTimeMs: z.number(),
  width: z.number(),
  height: z.number(),
  /** Set by the matching disconnect: the stream keeps its tile for the leave grace, then goes. */
  leftAt: z.number().optional(),
  /** Why the mix API cannot take this stream; it is shown, never mixed. */
  unmixable: z.string().optional(),
  /** When the platform's online list last showed this stream: the resync's silence rule counts from here. */
  confirmedAt: z.number().optional(),
  /**
   * The push origin `domain/appname` its push named (src/tencent/push-origin.ts), when well-formed:
   * only an online list read for that origin can tell this stream is gone.
   */
  origin: z.string().optional(),
  /**
   * The platform's online list asked about this push before it is first mixed (VERIFY_NEW_STREAMS):
   * pending (not mixed yet, unless on air already), listed, unchecked (the list could not be read
   * within STREAM_VERIFY_WINDOW_MS: mixed), unlisted (never mixed; `unmixable` says why).
   */
  verify: z.enum(['pending', 'listed', 'unchecked', 'unlisted']).optional(),
});
export type StoredStream = z.infer<typeof storedStreamSchema>;

/** The mix the platform last accepted (or may have: `uncertain` after a timeout). */
export const appliedMixSchema = z.object({
  sessionId: z.string(),
  epoch: z.number().int().positive(),
  /** The plan (src/layout/plan.ts), stored in a compact form (stored-plan.ts). */
  plan: storedPlanSchema,
  /** When the session was created (its first accepted start). */
  startedAt: z.number(),
  /** When the latest start (create or update) was accepted: a cancel waits for the minimum age from here. */
  lastStartAt: z.number(),
  /** The room version the plan was computed from. */
  version: z.number().int(),
  /** A start timed out: the platform may or may not run this plan. */
  uncertain: z.boolean().optional(),
});
export type AppliedMix = z.infer<typeof appliedMixSchema>;

export const ROOM_STATUSES = ['idle', 'pending', 'mixing', 'failed'] as const;
export type RoomStatus = (typeof ROOM_STATUSES)[number];

export const lastErrorSchema = z.object({
  code: z.union([z.number(), z.string()]),
  message: z.string(),
  hint: z.string(),
  at: z.number(),
  op: z.enum(['start', 'cancel']),
  apiCode: z.string().optional(),
});
export type LastError = z.infer<typeof lastErrorSchema>;

/** The room's scalar state (a Redis hash). */
export interface RoomMeta {
  version: number;
  status: RoomStatus;
  /** Highest session epoch used: a new session takes epoch + 1, so a cancelled id is never reused. */
  epoch: number;
  /** The layout the main's push asked for. */
  pushPreset?: string;
  lastError?: LastError;
  /** A permanent error at this version: no retry until the room changes. */
  failedVersion?: number;
  /** When the last start request was sent (any outcome): spaces starts per the platform's advice. */
  lastStartRequestAt?: number;
  lastCancel?: { sessionId: string; at: number };
  updatedAt?: number;
  /** An operator asked to delete the room at this time: nothing is mixed, the room goes once no mix runs. */
  deleting?: number;
}

/** One line of a room's audit log. */
export interface AuditEntry {
  at: number;
  /** Room version when written. */
  v: number;
  type: 'callback' | 'decision' | 'request' | 'answer' | 'config' | 'operator' | 'resync' | 'webhook';
  [detail: string]: unknown;
}
