import type { MixPlan } from '../layout/plan.js';
import type { Metrics } from '../metrics.js';
import type { MixBackend, MixOutcome } from '../mix/mix-backend.js';
import type { RoomLease, RoomState, RoomStore, RoomUpdate } from '../rooms/room-store.js';
import type { AppliedMix, AuditEntry, LastError } from '../rooms/stored.js';
import type { MixErrorInfo, MixOperation } from '../tencent/errors.js';
import { LIMITS } from '../tencent/limits.js';
import { type Decision, statusOf, type Timing } from './decide.js';
import { decideFor, desiredPlan, viewRoom } from './snapshot.js';

/**
 * One reconcile of one room: read it, compute the desired plan, decide, send at most one request,
 * record what happened. Knows nothing of BullMQ: the worker maps the result onto the job.
 */

export interface ReconcileDeps {
  store: RoomStore;
  backend: MixBackend;
  now: () => number;
  timing: Timing;
  leaveGraceMs: number;
  /** Lease on the room, longer than a request's timeout (config RECONCILE_LEASE_MS). */
  leaseMs: number;
  metrics?: Metrics;
}

export interface Attempt {
  /** 1 for the first try. */
  number: number;
  max: number;
}

export type ReconcileResult =
  /** Nothing more to do until the room changes. */
  | { kind: 'done'; summary: string; version: number }
  /** Come back at `until` (a platform timing rule, a leave grace ending, a lease held elsewhere). */
  | { kind: 'wait'; until: number; summary: string; version: number }
  /** A transient error: retry with backoff. */
  | { kind: 'retry'; error: MixErrorInfo & { message: string }; version: number };

export async function reconcileRoom(
  roomId: string,
  attempt: Attempt,
  deps: ReconcileDeps,
): Promise<ReconcileResult> {
  const leased = await deps.store.readLeased(roomId, deps.leaseMs);
  if ('heldForMs' in leased) {
    deps.metrics?.reconciles.inc({ decision: 'skipped' });
    // A holder that finishes releases the lease at once, so look again within a second; a holder
    // that died leaves it to expire, and then there is no point looking before it does.
    const retryInMs = Math.min(Math.max(leased.heldForMs, 50), 1000);
    return {
      kind: 'wait',
      until: deps.now() + retryInMs,
      summary: 'another reconcile holds the room',
      version: -1,
    };
  }
  try {
    if (!leased.state) return { kind: 'done', summary: 'no such room', version: 0 };
    return await reconcileState(leased.state, attempt, deps, leased.lease);
  } finally {
    // usually already released by the final write
    await leased.lease.release();
  }
}

async function reconcileState(
  state: RoomState,
  attempt: Attempt,
  deps: ReconcileDeps,
  lease: RoomLease,
): Promise<ReconcileResult> {
  const { roomId, meta } = state;
  const version = meta.version;
  const now = deps.now();
  // Planned within the limits of the API that will send it: what it would refuse is never sent.
  const view = viewRoom(state, now, deps.leaveGraceMs, LIMITS[deps.backend.name]);
  if (view.departed.length) await deps.store.pruneDeparted(roomId, now, deps.leaveGraceMs);

  if (meta.deleting !== undefined && !state.applied) {
    // Deleted by an operator and no mix left to cancel: forget the room, unless it changed meanwhile.
    if (await deps.store.forget(roomId, version, now))
      return { kind: 'done', summary: 'room deleted', version };
    return { kind: 'wait', until: now, summary: 'the room changed while being deleted', version };
  }

  if (meta.status === 'failed' && meta.failedVersion === version) {
    deps.metrics?.reconciles.inc({ decision: 'skipped' });
    return { kind: 'done', summary: 'failed at this version: waiting for the room to change', version };
  }

  const desired = desiredPlan(view, state.applied);
  const decision = decideFor(state, view, desired, now, deps.timing);
  deps.metrics?.reconciles.inc({ decision: decision.kind });
  const audit = (entry: Omit<AuditEntry, 'at' | 'v'>): AuditEntry =>
    ({ at: now, v: version, ...entry }) as AuditEntry;
  // Come back when a leaving stream's grace or an operator's override ends, whatever else happens now.
  const wakeAt = Math.min(view.nextDeparture ?? Infinity, view.overrideEndsAt ?? Infinity);
  const orDeparture = (result: ReconcileResult): ReconcileResult =>
    wakeAt === Infinity || result.kind === 'retry'
      ? result
      : result.kind === 'wait'
        ? { ...result, until: Math.min(result.until, wakeAt) }
        : {
            kind: 'wait',
            until: wakeAt,
            summary: `${result.summary}; ${wakeAt === view.nextDeparture ? 'a leave grace' : 'an override'} ends`,
            version,
          };

  switch (decision.kind) {
    case 'noop': {
      const status = statusOf(desired, state.applied);
      if (status !== meta.status)
        await deps.store.update(roomId, { status, failedVersion: null }, now, lease);
      return orDeparture({ kind: 'done', summary: decision.reason, version });
    }
    case 'wait': {
      await deps.store.update(
        roomId,
        {
          status: 'pending',
          audit: [
            audit({ type: 'decision', decision: 'wait', until: decision.until, reason: decision.reason }),
          ],
        },
        now,
        lease,
      );
      return orDeparture({ kind: 'wait', until: decision.until, summary: decision.reason, version });
    }
    case 'start':
    case 'cancel': {
      const outcome =
        decision.kind === 'start'
          ? await deps.backend.start(decision.sessionId, decision.plan)
          : await deps.backend.cancel(decision.sessionId, decision.outputStreamId);
      const code = outcome.error?.code ?? 0;
      // An unknown code is labelled `unknown` here (a histogram series per code would be costly) and
      // counted by name in mixkeeper_mix_unknown_errors_total.
      const codeLabel = outcome.error?.unknown ? 'unknown' : String(code);
      deps.metrics?.mixRequests.observe({ op: decision.kind, code: codeLabel }, outcome.durationMs / 1000);
      if (outcome.error?.unknown) deps.metrics?.countUnknownError(outcome.error);
      // The audit keeps what was asked for in a line per input, not the wire body: the body is
      // derivable from the plan (and shown by the dry run), and it would be most of a room's memory.
      const entries = [
        audit({
          type: 'request',
          op: decision.kind,
          session: decision.sessionId,
          reason: decision.reason,
          causes: state.causes,
          ...(decision.kind === 'start' ? { inputs: decision.plan.inputs.map(describeInput) } : {}),
        }),
        audit({
          type: 'answer',
          op: decision.kind,
          code,
          ms: outcome.durationMs,
          ...(outcome.error ? { message: outcome.error.message.slice(0, 200) } : {}),
        }),
      ];
      const result = recordOutcome(state, decision, outcome, attempt, deps.now());
      if (result.update.status === 'failed' && outcome.error) {
        const reason = outcome.error.class === 'retry' ? 'retries_exhausted' : 'permanent';
        deps.metrics?.roomFailures.inc({ op: decision.kind, reason });
      }
      await deps.store.update(
        roomId,
        { ...result.update, audit: entries, causesReported: state.causes.length },
        now,
        lease,
      );
      return orDeparture(result.result);
    }
  }
}

type SendDecision = Extract<Decision, { kind: 'start' | 'cancel' }>;

/** What a request's outcome does to the room: the update to store and what the job does next. */
function recordOutcome(
  state: RoomState,
  decision: SendDecision,
  outcome: MixOutcome,
  attempt: Attempt,
  now: number,
): { update: RoomUpdate; result: ReconcileResult } {
  const version = state.meta.version;
  const op: MixOperation = decision.kind;
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
      // Reconcile again at once: if a mix is still wanted, it starts as a new session.
      result: { kind: 'wait', until: now, summary: `cancelled ${decision.sessionId}`, version },
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

/** `guest_b L2 380,630 160x240 crop` — an input of a start, as the audit log keeps it. */
function describeInput(tile: MixPlan['inputs'][number]): string {
  const rect = tile.rect ? ` ${tile.rect.x},${tile.rect.y} ${tile.rect.width}x${tile.rect.height}` : '';
  const type = tile.inputType === 0 ? '' : ` type${tile.inputType}`;
  return `${tile.streamId} L${tile.layer}${type}${rect}${tile.crop ? ' crop' : ''}`;
}
