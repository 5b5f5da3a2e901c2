import { explain } from '../layout/explain.js';
import type { LayoutTemplate } from '../layout/layout-template.js';
import type { Media, MixPlan, Role, RoomConfig, RoomSnapshot } from '../layout/plan.js';
import { type PlanCheck, validatePlan } from '../layout/validate.js';
import { emptyRoomState, type RoomState } from '../rooms/room-state.js';
import type { StoredStream } from '../rooms/stored.js';
import { LIMITS, type MixBackendName } from '../tencent/limits.js';
import { cancelRequestBody, type MixRequestBody, startRequestBody } from '../tencent/mix-request-body.js';
import type { Decision, Timing } from './decide.js';
import { decideFor, desiredPlan, viewRoom } from './snapshot.js';

/**
 * The reconcile without the sending: what mixkeeper would ask the platform for, now or once a
 * timing rule lets it, if the room were as it is plus some hypothetical changes. Pure: state,
 * changes and the clock in, plan, decision, request body and reasons out. The plan is made within
 * the limits of the configured mix API, and the body is that API's (src/tencent/mix-request-body.ts).
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
  /** Layout templates to lay out with, beside (and over) those the room's state carries. */
  layouts?: Record<string, LayoutTemplate>;
}

export interface DryRunInput {
  roomId: string;
  /** The room as stored; null for a room nobody joined yet. */
  state: RoomState | null;
  changes: DryRunChanges;
  now: number;
  leaveGraceMs: number;
  timing: Timing;
  /** The configured mix API (TENCENT_MIX_BACKEND): its limits and its request body. */
  backend: MixBackendName;
  /** TENCENT_APPID, in legacy bodies (0 when unset). */
  appId: number;
}

export type DryRunRequest = MixRequestBody & {
  op: 'start' | 'cancel';
  sessionId: string;
  /** When it would be sent: now, or when the timing rule that holds it back ends. */
  at: number;
};

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
  const state = withChanges(input.state ?? emptyRoomState(roomId), input.changes, now);
  const limits = LIMITS[input.backend];
  const view = viewRoom(state, now, input.leaveGraceMs, limits);
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
    check: plan ? validatePlan(plan, limits) : null,
    decision,
    request: requestFor(next, at, input),
    explain: explain(view.snapshot, limits),
  };
}

function requestFor(decision: Decision, at: number, input: DryRunInput): DryRunRequest | null {
  if (decision.kind !== 'start' && decision.kind !== 'cancel') return null;
  const { sessionId } = decision;
  const meta = { appId: input.appId, sessionId, nowMs: at };
  const request =
    decision.kind === 'start'
      ? startRequestBody(input.backend, decision.plan, meta)
      : cancelRequestBody(input.backend, decision.outputStreamId, meta);
  return { op: decision.kind, sessionId, at, ...request };
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
  const layouts = changes.layouts ? { ...state.layouts, ...changes.layouts } : state.layouts;
  return {
    ...state,
    streams,
    ...(changes.config ? { config: changes.config } : {}),
    ...(layouts ? { layouts } : {}),
  };
}
