import { layout } from '../layout/layout.js';
import type { MixPlan, RoomConfig, RoomSnapshot } from '../layout/plan.js';
import { parsePreset } from '../rooms/membership.js';
import { activeOverride } from '../rooms/room-override.js';
import type { RoomState } from '../rooms/room-state.js';
import type { AppliedMix } from '../rooms/stored.js';
import type { MixLimits } from '../tencent/limits.js';
import { type Decision, decide, samePlan, type Timing } from './decide.js';

/**
 * Turns a room's stored state into what the layout engine and `decide` see, at a given moment:
 * streams within their leave grace still count (they keep their tile), slots come from the plan
 * on air, and the operator's config wins over what the main's push asked for — and an operator's
 * override, while it lasts, over both. A room being deleted shows no streams: nothing is mixed.
 * The view carries the limits of the mix API in use, so every plan made from it respects them.
 */

export interface RoomView {
  snapshot: RoomSnapshot;
  /** The mix API's limits (config TENCENT_MIX_BACKEND): the plan is laid out within them. */
  limits: MixLimits;
  /** Push time of every mixable stream: readiness counts from it. */
  pushedAt: Map<string, number>;
  /** Streams that disconnected and are within their leave grace. */
  leaving: Set<string>;
  /** The earliest moment a leaving stream's grace ends: the layout changes then. */
  nextDeparture: number | undefined;
  /** Streams whose grace has passed: to be forgotten. */
  departed: string[];
  /** When the operator's override ends: the layout goes back to the rules then. */
  overrideEndsAt?: number;
}

export function viewRoom(state: RoomState, now: number, leaveGraceMs: number, limits: MixLimits): RoomView {
  const slots = new Map<string, number>();
  const onAir = new Set<string>();
  for (const tile of state.applied?.plan.inputs ?? []) {
    onAir.add(tile.streamId);
    if (tile.slot !== undefined) slots.set(tile.streamId, tile.slot);
  }
  const pushedAt = new Map<string, number>();
  const departed: string[] = [];
  const leaving = new Set<string>();
  let nextDeparture: number | undefined;
  const streams: RoomSnapshot['streams'] = [];
  for (const s of state.streams) {
    if (s.leftAt !== undefined) {
      const goneAt = s.leftAt + leaveGraceMs;
      if (goneAt <= now) {
        departed.push(s.streamId);
        continue;
      }
      nextDeparture = Math.min(nextDeparture ?? goneAt, goneAt);
      leaving.add(s.streamId);
    }
    if (s.unmixable) continue;
    // Awaiting the online list's word (VERIFY_NEW_STREAMS): not mixed yet, unless already on air.
    if (s.verify === 'pending' && !onAir.has(s.streamId)) continue;
    pushedAt.set(s.streamId, s.pushedAt);
    const slot = slots.get(s.streamId);
    streams.push({
      streamId: s.streamId,
      role: s.role,
      media: s.media,
      joinedAt: s.pushedAt,
      width: s.width,
      height: s.height,
      ...(slot !== undefined ? { slot } : {}),
    });
  }
  const preset = state.meta.pushPreset ? parsePreset(state.meta.pushPreset) : undefined;
  const override = activeOverride(state.override, now);
  const config: RoomConfig = { ...(preset ? { preset } : {}), ...state.config, ...override?.config };
  const snapshot: RoomSnapshot = {
    roomId: state.roomId,
    config,
    streams: state.meta.deleting === undefined ? streams : [],
    ...(state.layouts ? { layouts: state.layouts } : {}),
  };
  return {
    snapshot,
    limits,
    pushedAt,
    leaving,
    nextDeparture,
    departed,
    ...(override ? { overrideEndsAt: override.until } : {}),
  };
}

/**
 * The plan the room should have now. A leaving stream only holds its tile while that spares a
 * request: when the plan on air already shows it, nothing is sent until its grace ends. Any request
 * that must go out anyway carries live streams only — the platform refuses inputs that are not
 * live (-505), and a start with a departed background would fail (-28).
 */
export function desiredPlan(view: RoomView, applied: AppliedMix | null): MixPlan | null {
  const live = view.leaving.size
    ? layout(
        { ...view.snapshot, streams: view.snapshot.streams.filter((s) => !view.leaving.has(s.streamId)) },
        view.limits,
      )
    : layout(view.snapshot, view.limits);
  if (!view.leaving.size || !applied || applied.uncertain) return live;
  const held = layout(view.snapshot, view.limits);
  return held && samePlan(held, applied.plan) ? held : live;
}

/**
 * `decide` for a stored room seen at `now`: the reconcile and the dry run both ask this way, so
 * what the dry run shows is what the reconcile would do.
 */
export function decideFor(
  state: RoomState,
  view: RoomView,
  desired: MixPlan | null,
  now: number,
  timing: Timing,
): Decision {
  const { meta } = state;
  return decide({
    roomId: state.roomId,
    desired,
    applied: state.applied,
    pushedAt: view.pushedAt,
    epoch: meta.epoch,
    ...(meta.lastStartRequestAt !== undefined ? { lastStartRequestAt: meta.lastStartRequestAt } : {}),
    ...(meta.lastCancel ? { lastCancel: meta.lastCancel } : {}),
    now,
    timing,
  });
}

/**
 * Why streams of the room are not mixed though live, beyond what the layout explains: those awaiting
 * or refused by the online list's verification (VERIFY_NEW_STREAMS), and any other unmixable one.
 */
export function streamNotes(state: Pick<RoomState, 'streams'>): string[] {
  return state.streams.flatMap((s) => {
    if (s.leftAt !== undefined) return [];
    if (s.unmixable) return [`${s.streamId}: ${s.unmixable}`];
    if (s.verify === 'pending')
      return [
        `${s.streamId}: waiting for the platform’s online list to show it live before it is mixed (VERIFY_NEW_STREAMS)`,
      ];
    if (s.verify === 'unchecked')
      return [
        `${s.streamId}: mixed unverified: the platform’s online list could not be read (VERIFY_NEW_STREAMS)`,
      ];
    return [];
  });
}
