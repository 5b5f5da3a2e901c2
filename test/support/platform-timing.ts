/**
 * The service's platform-rule timings for a simulator running at `timeScale`, as environment
 * values: one definition for every stack the tests and benchmarks start. Scaled runs add 5 ms so
 * the service never lands a hair inside a rule the simulator rounds the other way.
 */
export function platformTimingEnv(timeScale: number): Record<string, string> {
  const scaled = (ms: number) => Math.max(1, Math.round(ms * timeScale));
  const margin = timeScale < 1 ? 5 : 0;
  return {
    MIX_READY_DELAY_MS: String(scaled(5000)),
    MIX_CANCEL_MIN_AGE_MS: String(scaled(5000) + margin),
    MIX_SESSION_REUSE_MS: String(scaled(30_000)),
    MIX_MIN_START_INTERVAL_MS: String(scaled(1000) + margin),
  };
}
