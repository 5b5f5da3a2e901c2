/**
 * The simulator's one clock. Platform durations (the 5 s readiness, the 60 s callback retry
 * spacing, the 15 min abandoned-session cancel…) are written in platform milliseconds and turned
 * into real milliseconds here, so `scale` 0.01 makes every one of them 100 times shorter.
 * Wall-clock readings (`now()`) are never scaled: signatures and `event_time` stay real.
 *
 * Every timer goes through this object so `dispose()` can stop all of them at close.
 */
export interface Clock {
  /** Real → platform ratio: 1 = real time, 0.01 = 100 times faster. */
  readonly scale: number;
  /** Wall-clock time, Unix ms. */
  now(): number;
  /** A platform duration in real milliseconds. */
  toReal(platformMs: number): number;
  /** A real duration in platform milliseconds (for messages that quote the platform's rules). */
  toPlatform(realMs: number): number;
  /** Runs `fn` after a platform duration; returns a function that cancels it. */
  after(platformMs: number, fn: () => void): () => void;
  /** Runs `fn` after a real duration (fault delays are given in real ms). */
  afterReal(realMs: number, fn: () => void): () => void;
  /** Resolves true after a platform duration, false if aborted or disposed first. */
  sleep(platformMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Resolves true after a real duration, false if aborted or disposed first. */
  sleepReal(realMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Cancels every pending timer and wakes every sleeper with false. */
  dispose(): void;
}

export function createClock(scale: number): Clock {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`time scale must be > 0 (got ${scale})`);
  const timers = new Set<NodeJS.Timeout>();
  const sleepers = new Set<() => void>();
  let disposed = false;

  const afterReal = (realMs: number, fn: () => void): (() => void) => {
    if (disposed) return () => {};
    const timer = setTimeout(
      () => {
        timers.delete(timer);
        fn();
      },
      Math.max(0, realMs),
    );
    timers.add(timer);
    return () => {
      clearTimeout(timer);
      timers.delete(timer);
    };
  };

  const sleepReal = (realMs: number, signal?: AbortSignal): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      if (disposed || signal?.aborted) {
        resolve(false);
        return;
      }
      const finish = (slept: boolean) => {
        cancel();
        sleepers.delete(wake);
        signal?.removeEventListener('abort', wake);
        resolve(slept);
      };
      const wake = () => finish(false);
      const cancel = afterReal(realMs, () => finish(true));
      sleepers.add(wake);
      signal?.addEventListener('abort', wake, { once: true });
    });

  const toReal = (platformMs: number) => platformMs * scale;

  return {
    scale,
    now: () => Date.now(),
    toReal,
    toPlatform: (realMs) => realMs / scale,
    after: (platformMs, fn) => afterReal(toReal(platformMs), fn),
    afterReal,
    sleep: (platformMs, signal) => sleepReal(toReal(platformMs), signal),
    sleepReal,
    dispose() {
      disposed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const wake of [...sleepers]) wake();
    },
  };
}
