import type { MixBackend, MixOutcome } from '../../src/mix/mix-backend.js';
import { classifyMixError, type MixErrorCode, type MixOperation } from '../../src/tencent/errors.js';
import type { MixSpec } from '../../src/tencent/mix-spec.js';

/**
 * The in-memory mix API for tests that run the reconcile without the simulator: it records every
 * call with the spec it was sent, keeps the sessions it "runs", and counts requests in flight per
 * room. Outcomes are scripted (`setOutcomes`, or a list with `scriptedOutcomes`); a gate lets
 * `fc.scheduler` decide when each answer arrives.
 */

/**
 * What one call does: `ok`; `transient` (a retryable code, nothing changes); `timeout-applied`
 * (the platform did it but the answer was lost); `timeout-lost` (it did nothing and never answered);
 * or a platform answer code, as the legacy API numbers them: 0 and a code meaning "already done"
 * (a cancel of a session that does not run) succeed, any other is that error and changes nothing.
 */
export type CallOutcome = 'ok' | 'transient' | 'timeout-applied' | 'timeout-lost' | number;

export interface RecordedCall {
  op: MixOperation;
  sessionId: string;
  outcome: CallOutcome;
  /** The stream ids of the spec sent (none for a cancel). */
  inputs: string[];
  /** The spec as sent (a copy); absent for a cancel. */
  spec?: MixSpec;
  /** When the call was answered, by the clock given to the double. */
  at: number;
}

export interface RecordingMixBackend extends MixBackend {
  /** Sessions running on the "platform" now. */
  readonly running: ReadonlyMap<string, MixSpec>;
  readonly calls: readonly RecordedCall[];
  /** The most requests ever in flight at the same time for one room. */
  maxInFlight(roomId: string): number;
  /** Decides each call's outcome; default always `ok`. */
  setOutcomes(next: (op: MixOperation) => CallOutcome): void;
  /** Awaited inside every call, before its outcome is applied; default: none. */
  setGate(gate: ((label: string) => Promise<void>) | undefined): void;
}

/** Session ids are `<room>_<epoch>` (reconcile/decide.ts). */
export function roomOfSession(sessionId: string): string {
  return sessionId.slice(0, sessionId.lastIndexOf('_'));
}

/** Outcomes taken in order, one per call, then `ok`: `setOutcomes(scriptedOutcomes([-505, 'ok']))`. */
export function scriptedOutcomes(script: readonly CallOutcome[]): () => CallOutcome {
  const left = [...script];
  return () => left.shift() ?? 'ok';
}

/** The code each named outcome answers with (`ok` is 0). */
const OUTCOME_CODES = {
  ok: 0,
  transient: 'http_5xx',
  'timeout-applied': 'timeout',
  'timeout-lost': 'timeout',
} as const satisfies Record<Exclude<CallOutcome, number>, MixErrorCode>;

export function recordingMixBackend(now: () => number = Date.now): RecordingMixBackend {
  const running = new Map<string, MixSpec>();
  const calls: RecordedCall[] = [];
  const inFlight = new Map<string, number>();
  const maxSeen = new Map<string, number>();
  let outcomes: (op: MixOperation) => CallOutcome = () => 'ok';
  let gate: ((label: string) => Promise<void>) | undefined;

  async function call(op: MixOperation, sessionId: string, spec: MixSpec | undefined): Promise<MixOutcome> {
    const room = roomOfSession(sessionId);
    const active = (inFlight.get(room) ?? 0) + 1;
    inFlight.set(room, active);
    maxSeen.set(room, Math.max(maxSeen.get(room) ?? 0, active));
    try {
      if (gate) await gate(`${op} ${sessionId}`);
      const outcome = outcomes(op);
      const code: MixErrorCode = typeof outcome === 'number' ? outcome : OUTCOME_CODES[outcome];
      const info = code === 0 ? undefined : classifyMixError(code, op);
      const succeeded = info === undefined || info.class === 'done';
      if (succeeded || outcome === 'timeout-applied') {
        if (op === 'start' && spec) running.set(sessionId, structuredClone(spec));
        else running.delete(sessionId);
      }
      calls.push({
        op,
        sessionId,
        outcome,
        inputs: spec?.inputs.map((i) => i.streamId) ?? [],
        ...(spec ? { spec: structuredClone(spec) } : {}),
        at: now(),
      });
      const request = { op, sessionId };
      const response = typeof code === 'number' ? { code } : { outcome };
      if (succeeded) return { request, response, durationMs: 1 };
      return { request, response, durationMs: 1, error: { ...info, message: info.meaning } };
    } finally {
      inFlight.set(room, (inFlight.get(room) ?? 1) - 1);
    }
  }

  return {
    name: 'legacy',
    running,
    calls,
    start: (sessionId, spec) => call('start', sessionId, spec),
    // Like Tencent, cancelling a session that does not run is "already done": plain success.
    cancel: (sessionId) => call('cancel', sessionId, undefined),
    maxInFlight: (roomId) => maxSeen.get(roomId) ?? 0,
    setOutcomes(next) {
      outcomes = next;
    },
    setGate(next) {
      gate = next;
    },
  };
}
