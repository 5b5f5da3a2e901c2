import type { MixErrorInfo } from '../tencent/errors.js';

/** What one reconcile of a room tells whoever runs it (the reconcile job, a test's loop). */
export type ReconcileResult =
  /** Nothing more to do until the room changes. */
  | { kind: 'done'; summary: string; version: number }
  /** Come back at `until`: a platform timing rule, a leave grace or an operator's override ends. */
  | { kind: 'wait'; until: number; summary: string; version: number }
  /** Reconcile again at once: this run changed the room (a cancel done) or lost a race with a change. */
  | { kind: 'rerun'; summary: string; version: number }
  /** Another reconcile holds the room: look again at `until`. Nothing was read or sent. */
  | { kind: 'busy'; until: number; summary: string }
  /** A transient error: retry with backoff. */
  | { kind: 'retry'; error: MixErrorInfo & { message: string }; version: number };

export interface Attempt {
  /** 1 for the first try. */
  number: number;
  max: number;
}
