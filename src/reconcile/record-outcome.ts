import type { MixOutcome } from '../mix/mix-backend.js';
import type { RoomState } from '../rooms/room-state.js';
import type { RoomUpdate } from '../rooms/room-update.js';
import type { AppliedMix, LastError } from '../rooms/stored.js';
import type { MixEvent } from '../webhooks/event.js';
import type { Decision } from './decide.js';
import { mixEventOf } from './mix-events.js';
import type { Attempt, ReconcileResult } from './result.js';

export type SendDecision = Extract<Decision, { kind: 'start' | 'cancel' }>;

/**
 * What a request's outcome does to the room: the update to store, what the job does next, and the
 * webhook event it raises (mix-events.ts), if any. Pure: the room as read, the decision sent, the
 * platform's answer and the time it came.
 */
export function recordOutcome(
  state: RoomState,
  decision: SendDecision,
  outcome: MixOutcome,
  attempt: Attempt,
  now: number,
): { update: RoomUpdate; result: ReconcileResult; event?: MixEvent } {
  const recorded = roomUpdateOf(state, decision, outcome, attempt, now);
  const event = mixEventOf(state, decision, outcome, recorded.update, now);
  return event ? { ...recorded, event } : recorded;
}

function roomUpdateOf(
  state: RoomState,
  decision: SendDecision,
  outcome: MixOutcome,
  attempt: Attempt,
  now: number,
): { update: RoomUpdate; result: ReconcileResult } {
  const version = state.meta.version;
  const op = decision.kind;
  const update: RoomUpdate = op === 'start' ? { lastStartRequestAt: now } : {};
  const error = outcome.error;

  if (!error) {
    if (decision.kind === 'start') {
      const applied: AppliedMix = {
        sessionId: decision.sessionId,
        epoch: decision.epoch,
        plan: decision.plan,
        startedAt: decision.newSession || !state.applied ? now : state.applied.startedAt,
        lastStartAt: now,
        version,
      };
      return {
        update: {
          ...update,
          applied,
          epoch: Math.max(decision.epoch, state.meta.epoch),
          status: 'mixing',
          lastError: null,
          failedVersion: null,
        },
        result: { kind: 'done', summary: `started ${decision.sessionId}`, version },
      };
    }
    return {
      update: {
        applied: null,
        lastCancel: { sessionId: decision.sessionId, at: now },
        status: 'pending',
        lastError: null,
        failedVersion: null,
      },
      // If a mix is still wanted, it starts as a new session.
      result: { kind: 'rerun', summary: `cancelled ${decision.sessionId}`, version },
    };
  }

  const lastError: LastError = {
    code: error.code,
    message: error.message,
    hint: error.hint,
    at: now,
    op,
    ...(error.apiCode ? { apiCode: error.apiCode } : {}),
  };
  if (error.code === 'timeout' && decision.kind === 'start') {
    // Unknown outcome: the platform may run this plan. Record it as uncertain so the next attempt
    // re-applies it (same session) or cancels it, and never leaks a session.
    update.applied = {
      sessionId: decision.sessionId,
      epoch: decision.epoch,
      plan: decision.plan,
      startedAt: state.applied && !decision.newSession ? state.applied.startedAt : now,
      lastStartAt: now,
      version,
      uncertain: true,
    };
    update.epoch = Math.max(decision.epoch, state.meta.epoch);
  }
  if (error.code === 'timeout' && decision.kind === 'cancel' && state.applied) {
    // Unknown outcome: the session may be gone. Uncertain, so it is not taken for running, and
    // remembered as cancelled, so its id is not started again: the next attempt cancels it again.
    update.applied = { ...state.applied, uncertain: true };
    update.lastCancel = { sessionId: decision.sessionId, at: now };
  }
  if (error.class === 'retry' && attempt.number < attempt.max) {
    return { update: { ...update, status: 'pending', lastError }, result: { kind: 'retry', error, version } };
  }
  return {
    update: { ...update, status: 'failed', lastError, failedVersion: version },
    result: {
      kind: 'done',
      summary: `${op} failed with ${error.code} (${error.class === 'retry' ? 'retries exhausted' : 'permanent'})`,
      version,
    },
  };
}
