/**
 * The churn scenario of the economy phase, per room, in platform milliseconds from the room's
 * start: joins, a burst of joins, a flap shorter than the leave grace, a plain leave, a flap
 * longer than the grace, a burst of leaves, and the room's end. Every step changes the live set.
 */

export interface ChurnStep {
  /** Platform ms from the room's start. */
  at: number;
  op: 'push' | 'stop';
  /** `M` is the main; `G1`…`G4` guests. */
  who: 'M' | 'G1' | 'G2' | 'G3' | 'G4';
  /** What the step is part of, for the report. */
  part: 'join' | 'burst-join' | 'flap' | 'leave' | 'long-flap' | 'burst-leave' | 'end';
}

export const ROOM_SCRIPT: readonly ChurnStep[] = [
  { at: 0, op: 'push', who: 'M', part: 'join' },
  { at: 200, op: 'push', who: 'G1', part: 'join' },
  { at: 8000, op: 'push', who: 'G2', part: 'burst-join' },
  { at: 8100, op: 'push', who: 'G3', part: 'burst-join' },
  { at: 8200, op: 'push', who: 'G4', part: 'burst-join' },
  { at: 16_000, op: 'stop', who: 'G2', part: 'flap' },
  { at: 16_800, op: 'push', who: 'G2', part: 'flap' },
  { at: 22_000, op: 'stop', who: 'G3', part: 'leave' },
  { at: 28_000, op: 'stop', who: 'G4', part: 'long-flap' },
  { at: 32_000, op: 'push', who: 'G4', part: 'long-flap' },
  { at: 40_000, op: 'stop', who: 'G1', part: 'burst-leave' },
  { at: 40_150, op: 'stop', who: 'G2', part: 'burst-leave' },
  { at: 46_000, op: 'stop', who: 'G4', part: 'end' },
  { at: 46_100, op: 'stop', who: 'M', part: 'end' },
];

/** Platform ms after the last step for retries, graces and cancels to play out. */
export const DRAIN_MS = 12_000;

export interface TimedStep extends ChurnStep {
  room: number;
  /** Real ms from the scenario's start. */
  realAt: number;
  streamId: string;
}

/** Every room's steps in time order, rooms started `staggerMs` (real) apart. */
export function churnTimeline(rooms: number, timeScale: number, staggerMs: number): TimedStep[] {
  const steps: TimedStep[] = [];
  for (let room = 0; room < rooms; room++) {
    for (const step of ROOM_SCRIPT) {
      steps.push({
        ...step,
        room,
        realAt: room * staggerMs + step.at * timeScale,
        streamId: `${step.who.toLowerCase()}_${room}`,
      });
    }
  }
  return steps.sort((a, b) => a.realAt - b.realAt);
}
