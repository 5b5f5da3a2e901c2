/**
 * A clock the test moves by hand: the reconcile's timing rules (readiness, leave grace, minimum
 * age, session reuse) are passed by advancing it, never by sleeping.
 */
export interface ManualClock {
  now(): number;
  advance(ms: number): number;
  /** Moves to `ms` if that is later; a clock never goes back. */
  advanceTo(ms: number): number;
}

export function manualClock(startMs: number): ManualClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      current += Math.max(0, ms);
      return current;
    },
    advanceTo(ms) {
      current = Math.max(current, ms);
      return current;
    },
  };
}
