import { explain } from '../layout/explain.js';
import type { Media, MixPlan, Role, RoomConfig, RoomSnapshot } from '../layout/plan.js';
import { type PlanCheck, validatePlan } from '../layout/validate.js';
import type { RoomState } from '../rooms/room-state.js';
import type { StoredStream } from '../rooms/stored.js';
import { type CancelBody, cancelBody, type StartBody, startBody } from '../tencent/mix-stream-v2.js';
import type { Decision, Timing } from './decide.js';
import { decideFor, desiredPlan, viewRoom } from './snapshot.js';

/**
 * The reconcile without the sending: what mixkeeper would ask the platform for, now or once a
 * timing rule lets it, if the room were as it is plus some hypothetical changes. Pure: state,
 * changes and the clock in, plan, decision, request body and reasons out.
 */

export interface DryRunJoin {
  streamId: string;
  role?: Role;
  media?: Media;
  /** Source size; 0 (unknown) when not given, as at a real push before the video header. */
  width?: number;
  height?: number;
}

export interface DryRunChanges {
  /** Streams that push now (a stream already in the room is replaced). */
  join?: DryRunJoin[];
  /** Streams that leave, past their leave grace. */
  leave?: string[];
  /** A config to try instead of the room's own. */
  config?: RoomConfig;
}

export interface DryRunInput {
  roomId: string;
  /** The room as stored; null for a room nobody joined yet. */
  state: RoomState | null;
  changes: DryRunChanges;
  now: number;
  leaveGraceMs: number;
  timing: Timing;
  appId: number;
}

export interface DryRunRequest {
  op: 'start' | 'cancel';
  sessionId: string;
  /** When it would be sent: now, or when the timing rule that holds it back ends. */
  at: number;
  body: StartBody | CancelBody;
}

export interface DryRun {
  snapshot: RoomSnapshot;
  plan: MixPlan | null;
  /** The plan checked against the platform's limits; null without a plan. */
  check: PlanCheck | null;
  /** What the reconcile would decide now. */
  decision: Decision;
  /** The next request it would send; null when nothing needs sending. */
  request: DryRunRequest | null;
  explain: string[];
}

/** Waits are chained at most this often: each one is a different rule (readiness, interval, reuse). */
const MAX_WAITS = 4;

export function dryRun(input: DryRunInput): DryRun {
  const { roomId, now } = input;
  const state = withChanges(input.state ?? emptyRoom(roomId), input.changes, now);
  const view = viewRoom(state, now, input.leaveGraceMs);
  const plan = desiredPlan(view, state.applied);
  const decideAt = (at: number) => decideFor(state, view, plan, at, input.timing);
  const decision = decideAt(now);
  let next = decision;
  let at = now;
  for (let i = 0; i < MAX_WAITS && next.kind === 'wait'; i += 1) {
    at = Math.max(at, next.until);
    next = decideAt(at);
  }
  return {
    snapshot: view.snapshot,
    plan,
    check: plan ? validatePlan(plan) : null,
    decision,
    request: requestFor(next, at, input.appId),
    explain: explain(view.snapshot),
  };
}

function requestFor(decision: Decision, at: number, appId: number): DryRunRequest | null {
  if (decision.kind === 'start') {
    const meta = { appId, sessionId: decision.sessionId, nowMs: at };
    return { op: 'start', sessionId: decision.sessionId, at, body: startBody(decision.plan, meta) };
  }
  if (decision.kind === 'cancel') {
    const meta = { appId, sessionId: decision.sessionId, nowMs: at };
    return {
      op: 'cancel',
      sessionId: decision.sessionId,
      at,
      body: cancelBody(decision.outputStreamId, meta),
    };
  }
  return null;
}

function emptyRoom(roomId: string): RoomState {
  return {
    roomId,
    meta: { version: 0, status: 'idle', epoch: 0 },
    config: undefined,
    streams: [],
    applied: null,
    causes: [],
  };
}

function withChanges(state: RoomState, changes: DryRunChanges, now: number): RoomState {
  const leaving = new Set(changes.leave ?? []);
  const joining = changes.join ?? [];
  const joined = new Set(joining.map((j) => j.streamId));
  const streams: StoredStream[] = [
    ...state.streams.filter((s) => !leaving.has(s.streamId) && !joined.has(s.streamId)),
    ...joining
      .filter((j) => !leaving.has(j.streamId))
      .map((j) => ({
        streamId: j.streamId,
        sequence: 'dry-run',
        role: j.role ?? 'guest',
        media: j.media ?? 'av',
        pushedAt: now,
        eventTimeMs: now,
        width: j.width ?? 0,
        height: j.height ?? 0,
      })),
  ];
  return { ...state, streams, ...(changes.config ? { config: changes.config } : {}) };
}
