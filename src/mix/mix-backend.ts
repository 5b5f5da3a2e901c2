import type { MixErrorInfo } from '../tencent/errors.js';
import type { MixSpec } from '../tencent/mix-spec.js';

/**
 * The platform's mix API, whichever protocol speaks it. Implementations make exactly one request
 * per call, bounded by a timeout, and never retry: the reconcile job is the one retry layer.
 * Failures are values, not exceptions.
 */
export interface MixBackend {
  readonly name: 'legacy' | 'api3';
  start(sessionId: string, spec: MixSpec): Promise<MixOutcome>;
  cancel(sessionId: string, outputStreamId: string): Promise<MixOutcome>;
}

export interface MixOutcome {
  /** `error` is absent on success. */
  error?: MixErrorInfo & { message: string; apiCode?: string };
  /** The body as sent (no secrets: signatures travel in the URL or headers). */
  request: unknown;
  /** The platform's answer as received, or a short description when there was none. */
  response: unknown;
  durationMs: number;
}
