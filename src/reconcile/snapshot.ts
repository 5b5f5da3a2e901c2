import type { RoomConfig, RoomSnapshot } from '../layout/plan.js';
import { parsePreset } from '../rooms/membership.js';
import type { RoomState } from '../rooms/room-store.js';

/**
 * Turns a room's stored state into what the layout engine and `decide` see, at a given moment:
 * streams within their leave grace still count (they keep their tile), slots come from the plan
 * on air, and the operator's config wins over what the main's push asked for.
 */

export interface RoomView {
  snapshot: RoomSnapshot;
  /** Push time of every mixable stream: readiness counts from it. */
  pushedAt: Map<string, number>;
  /** The earliest moment a leaving stream's grace ends: the layout changes then. */
  nextDeparture: number | undefined;
  /** Streams whose grace has passed: to be forgotten. */
  departed: string[];
}

export function viewRoom(state: RoomState, now: number, leaveGraceMs: number): RoomView {
  const slots = new Map<string, number>();
  for (const tile of state.applied?.plan.inputs ?? []) {
    if (tile.slot !== undefined) slots.set(tile.streamId, tile.slot);
  }
  const pushedAt = new Map<string, number>();
  const departed: string[] = [];
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
    }
    if (s.unmixable) continue;
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
  const config: RoomConfig = { ...(preset ? { preset } : {}), ...state.config };
  return { snapshot: { roomId: state.roomId, config, streams }, pushedAt, nextDeparture, departed };
}
