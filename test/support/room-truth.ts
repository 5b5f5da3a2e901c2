import { samePlan } from '../../src/reconcile/decide.js';
import { desiredPlan, viewRoom } from '../../src/reconcile/snapshot.js';
import { readRoom } from '../../src/rooms/room-state.js';
import type { RoomStore } from '../../src/rooms/room-store.js';
import type { Simulator } from '../../src/sim/index.js';
import { LIMITS, type MixLimits } from '../../src/tencent/limits.js';
import { roomOf } from './chaos-rig.js';

/**
 * Whether mixkeeper's rooms match the simulator's truth: the same live streams in each room, the
 * mix it wants is the one it recorded as applied, and the platform runs exactly that mix (one live
 * session per room with those inputs, none when nothing should be mixed).
 */

export interface TruthCheck {
  rooms: number;
  /** One line per room that does not match, saying how. */
  mismatches: string[];
}

export interface TruthOptions {
  store: RoomStore;
  sim: Simulator;
  rooms: Iterable<string>;
  leaveGraceMs: number;
  /** The mix API's limits the rooms are planned within; default legacy. */
  limits?: MixLimits;
  /** Live streams mixkeeper cannot know of (every push callback lost): left out of the truth. */
  unknowable?: ReadonlySet<string>;
}

export async function checkTruth(options: TruthOptions): Promise<TruthCheck> {
  const live = new Map<string, Set<string>>();
  for (const stream of options.sim.streams()) {
    const room = roomOf(stream.params);
    if (!room || options.unknowable?.has(stream.streamId)) continue;
    if (!live.has(room)) live.set(room, new Set());
    live.get(room)?.add(stream.streamId);
  }
  const sessions = liveSessionsByRoom(options.sim);
  const mismatches: string[] = [];
  let rooms = 0;
  const now = Date.now();
  for (const roomId of options.rooms) {
    rooms += 1;
    const truth = [...(live.get(roomId) ?? [])].sort();
    const state = await readRoom(options.store, roomId);
    const known = (state?.streams ?? [])
      .filter((s) => s.leftAt === undefined)
      .map((s) => s.streamId)
      .sort();
    if (truth.join() !== known.join()) {
      mismatches.push(
        `${roomId}: live ${truth.join('|') || '-'} but mixkeeper has ${known.join('|') || '-'}`,
      );
      continue;
    }
    const running = sessions.get(roomId) ?? [];
    const desired = state
      ? desiredPlan(
          viewRoom(state, now, options.leaveGraceMs, options.limits ?? LIMITS.legacy),
          state.applied,
        )
      : null;
    if (!desired) {
      if (state?.applied)
        mismatches.push(`${roomId}: nothing to mix but ${state.applied.sessionId} is applied`);
      else if (running.length)
        mismatches.push(
          `${roomId}: nothing to mix but the platform runs ${running.map((s) => s.sessionId).join(',')}`,
        );
      continue;
    }
    const applied = state?.applied;
    if (!applied || applied.uncertain || !samePlan(applied.plan, desired)) {
      mismatches.push(`${roomId}: the applied mix is not the desired one (${state?.meta.status})`);
      continue;
    }
    const wanted = desired.inputs.map((input) => input.streamId).sort();
    const platform = running[0];
    if (running.length !== 1 || !platform) {
      mismatches.push(`${roomId}: the platform runs ${running.length} sessions`);
    } else if (platform.sessionId !== applied.sessionId) {
      mismatches.push(
        `${roomId}: the platform runs ${platform.sessionId}, mixkeeper applied ${applied.sessionId}`,
      );
    } else if (
      platform.inputs
        .map((input) => input.streamId)
        .sort()
        .join() !== wanted.join()
    ) {
      mismatches.push(`${roomId}: the platform mixes ${platform.inputs.map((i) => i.streamId).join('|')}`);
    }
  }
  return { rooms, mismatches };
}

/** Live sessions per room (session ids are `<room>_<epoch>`). */
export function liveSessionsByRoom(sim: Simulator): Map<string, ReturnType<Simulator['sessions']>> {
  const byRoom = new Map<string, ReturnType<Simulator['sessions']>>();
  for (const session of sim.sessions()) {
    const room = session.sessionId.slice(0, session.sessionId.lastIndexOf('_'));
    byRoom.set(room, [...(byRoom.get(room) ?? []), session]);
  }
  return byRoom;
}
