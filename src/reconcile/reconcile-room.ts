import type { Metrics } from '../metrics.js';
import type { MixBackend } from '../mix/mix-backend.js';
import type { StreamVerifier } from '../mix/online-list.js';
import { describeInput, planChanges } from '../rooms/audit.js';
import { type RoomLease, readLeased } from '../rooms/lease.js';
import { forgetDeparted } from '../rooms/observations.js';
import { forgetRoom } from '../rooms/operator-changes.js';
import type { RoomState } from '../rooms/room-state.js';
import type { RoomStore } from '../rooms/room-store.js';
import { updateRoom } from '../rooms/room-update.js';
import type { AuditEntry } from '../rooms/stored.js';
import { LIMITS } from '../tencent/limits.js';
import type { WebhookRaiser } from '../webhooks/raise.js';
import { statusOf, type Timing } from './decide.js';
import { roomDeletedEvent } from './mix-events.js';
import { recordOutcome } from './record-outcome.js';
import type { Attempt, ReconcileResult } from './result.js';
import { decideFor, desiredPlan, viewRoom } from './snapshot.js';
import { verifyNewStreams } from './verify-streams.js';

export type { Attempt, ReconcileResult } from './result.js';

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
  /** Where the events of accepted changes go (src/webhooks/); none: no webhooks. */
  webhooks?: WebhookRaiser;
  /** VERIFY_NEW_STREAMS: asks the online list about a new push before it is first mixed. */
  verifier?: StreamVerifier | undefined;
  /** STREAM_VERIFY_WINDOW_MS: how long a new push may wait for the online list to show it. */
  verifyWindowMs?: number;
}

export async function reconcileRoom(
  roomId: string,
  attempt: Attempt,
  deps: ReconcileDeps,
): Promise<ReconcileResult> {
  const leased = await readLeased(deps.store, roomId, deps.leaseMs);
  if ('heldForMs' in leased) {
    deps.metrics?.reconciles.inc({ decision: 'skipped' });
    // A holder that finishes releases the lease at once, so look again within a second; a holder
    // that died leaves it to expire, and then there is no point looking before it does.
    const retryInMs = Math.min(Math.max(leased.heldForMs, 50), 1000);
    return { kind: 'busy', until: deps.now() + retryInMs, summary: 'another reconcile holds the room' };
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
  read: RoomState,
  attempt: Attempt,
  deps: ReconcileDeps,
  lease: RoomLease,
): Promise<ReconcileResult> {
  const { roomId, meta } = read;
  const version = meta.version;
  const now = deps.now();
  const verified = await verifyNewStreams(read, now, {
    store: deps.store,
    verifier: deps.verifier,
    windowMs: deps.verifyWindowMs ?? 15_000,
    counted: (verdict, streams) => deps.metrics?.streamVerifications.inc({ verdict }, streams),
  });
  const { state } = verified;
  // Planned within the limits of the API that will send it: what it would refuse is never sent.
  const view = viewRoom(state, now, deps.leaveGraceMs, LIMITS[deps.backend.name]);
  if (view.departed.length) {
    const departed = state.streams.filter((s) => view.departed.includes(s.streamId));
    await forgetDeparted(deps.store, roomId, departed);
  }

  if (meta.deleting !== undefined && !state.applied) {
    // Deleted by an operator and no mix left to cancel: forget the room, unless it changed meanwhile.
    if (await forgetRoom(deps.store, roomId, version, now)) {
      await deps.webhooks?.raise(roomId, roomDeletedEvent(roomId, version, now));
      return { kind: 'done', summary: 'room deleted', version };
    }
    return { kind: 'rerun', summary: 'the room changed while being deleted', version };
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
  // Come back when a leaving stream's grace or an operator's override ends, or a new push is to be
  // verified again, whatever else happens now.
  const wakeAt = Math.min(
    view.nextDeparture ?? Infinity,
    view.overrideEndsAt ?? Infinity,
    verified.againAt ?? Infinity,
  );
  const orDeparture = (result: ReconcileResult): ReconcileResult =>
    wakeAt === Infinity || (result.kind !== 'done' && result.kind !== 'wait')
      ? result
      : result.kind === 'wait'
        ? { ...result, until: Math.min(result.until, wakeAt) }
        : {
            kind: 'wait',
            until: wakeAt,
            summary: `${result.summary}; ${wakeAt === view.nextDeparture ? 'a leave grace ends' : wakeAt === verified.againAt ? 'a new stream is verified again' : 'an override ends'}`,
            version,
          };

  switch (decision.kind) {
    case 'noop': {
      const status = statusOf(desired, state.applied);
      if (status !== meta.status)
        await updateRoom(deps.store, roomId, { status, failedVersion: null }, now, lease);
      return orDeparture({ kind: 'done', summary: decision.reason, version });
    }
    case 'wait': {
      await updateRoom(
        deps.store,
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
      // An update of a session logs only what it changes; the plan on air is in `applied`.
      const entries = [
        audit({
          type: 'request',
          op: decision.kind,
          session: decision.sessionId,
          reason: decision.reason,
          causes: state.causes,
          ...(decision.kind !== 'start'
            ? {}
            : decision.newSession || !state.applied
              ? { inputs: decision.plan.inputs.map(describeInput) }
              : { changes: planChanges(state.applied.plan, decision.plan) }),
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
      // Queued before the room is written: a crash in between sends the same start again, which
      // raises the same event (same id), and the outbox drops it. After, a crash would lose it.
      if (result.event) await deps.webhooks?.raise(roomId, result.event);
      if (result.update.status === 'failed' && outcome.error) {
        const reason = outcome.error.class === 'retry' ? 'retries_exhausted' : 'permanent';
        deps.metrics?.roomFailures.inc({ op: decision.kind, reason });
      }
      await updateRoom(
        deps.store,
        roomId,
        { ...result.update, audit: entries, causesReported: state.causes.length },
        now,
        lease,
      );
      return orDeparture(result.result);
    }
  }
}
