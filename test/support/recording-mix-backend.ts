import type { MixBackend, MixOutcome } from '../../src/mix/mix-backend.js';
import { classifyMixError, type MixErrorCode, type MixOperation } from '../../src/tencent/errors.js';
import type { MixSpec } from '../../src/tencent/mix-stream-v2.js';

/**
 * An in-memory mix API for reconcile tests: it records every call, keeps the sessions it "runs",
 * and counts requests in flight per room. Outcomes are scripted; a gate lets `fc.scheduler` decide
 * when each answer arrives.
 */

/**
 * What one call does: `ok`; `transient` (a retryable code, nothing changes); `timeout-applied`
 * (the platform did it but the answer was lost); `timeout-lost` (it did nothing and never answered).
 */
export type CallOutcome = 'ok' | 'transient' | 'timeout-applied' | 'timeout-lost';

export interface RecordedCall {
  op: MixOperation;
  sessionId: string;
  outcome: CallOutcome;
  inputs: string[];
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
      if (outcome === 'ok' || outcome === 'timeout-applied') {
        if (op === 'start' && spec) running.set(sessionId, structuredClone(spec));
        else running.delete(sessionId);
      }
      calls.push({ op, sessionId, outcome, inputs: spec?.inputs.map((i) => i.streamId) ?? [], at: now() });
      const request = { op, sessionId };
      if (outcome === 'ok') return { request, response: { code: 0 }, durationMs: 1 };
      const code: MixErrorCode = outcome === 'transient' ? 'http_5xx' : 'timeout';
      const info = classifyMixError(code, op);
      return { request, response: { outcome }, durationMs: 1, error: { ...info, message: info.meaning } };
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
