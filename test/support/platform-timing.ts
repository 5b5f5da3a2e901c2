import type { Timing } from '../../src/reconcile/decide.js';

/**
 * The platform's timing rules (5 s after a push, 5 s between a start and its cancel, 30 s before a
 * cancelled session id is used again, 1 s between starts): the one definition every test and
 * benchmark takes its timings from, in process or as a stack's environment.
 */
export const PLATFORM_TIMING: Readonly<Timing> = {
  readyDelayMs: 5000,
  cancelMinAgeMs: 5000,
  sessionReuseMs: 30_000,
  minStartIntervalMs: 1000,
};

/**
 * The rules for a simulator running at `timeScale`. Scaled runs add 5 ms to the two minimum gaps so
 * the service never lands a hair inside a rule the simulator rounds the other way.
 */
export function platformTiming(timeScale: number): Timing {
  const scaled = (ms: number) => Math.max(1, Math.round(ms * timeScale));
  const margin = timeScale < 1 ? 5 : 0;
  return {
    readyDelayMs: scaled(PLATFORM_TIMING.readyDelayMs),
    cancelMinAgeMs: scaled(PLATFORM_TIMING.cancelMinAgeMs) + margin,
    sessionReuseMs: scaled(PLATFORM_TIMING.sessionReuseMs),
    minStartIntervalMs: scaled(PLATFORM_TIMING.minStartIntervalMs) + margin,
  };
}

/** `platformTiming(timeScale)` as the service's environment, for the stacks tests and benchmarks start. */
export function platformTimingEnv(timeScale: number): Record<string, string> {
  const timing = platformTiming(timeScale);
  return {
    MIX_READY_DELAY_MS: String(timing.readyDelayMs),
    MIX_CANCEL_MIN_AGE_MS: String(timing.cancelMinAgeMs),
    MIX_SESSION_REUSE_MS: String(timing.sessionReuseMs),
    MIX_MIN_START_INTERVAL_MS: String(timing.minStartIntervalMs),
  };
}
