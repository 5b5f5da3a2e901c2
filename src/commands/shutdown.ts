import { SHUTDOWN_BACKSTOP_MS } from '../config.js';
import type { Logger } from '../log.js';

/**
 * What a process starts and stops, and in which order: each part (a role) is started in turn and
 * registered; a stop stops them in reverse, all by one deadline. A role is registered before its
 * `start` runs, so a start that fails halfway is stopped too: `stop` stops whatever it got to.
 */

export interface Role<T> {
  name: string;
  start(): Promise<T>;
  /** Stops by `deadline` (a time in ms since the epoch) where waiting is up to the role. */
  stop(deadline: number): Promise<void>;
}

export interface Lifecycle {
  /** Starts a role and returns what it started; it is stopped after every role started later. */
  start<T>(role: Role<T>): Promise<T>;
  /** Stops every role, last started first, by `deadlineMs` from now. Later calls wait for the same stop. */
  stop(deadlineMs: number): Promise<void>;
}

export function createLifecycle(log: Logger): Lifecycle {
  const started: Role<unknown>[] = [];
  let stopping: Promise<void> | undefined;
  return {
    async start(role) {
      if (stopping) throw new Error(`${role.name} not started: the process is stopping`);
      started.push(role);
      return role.start();
    },
    stop(deadlineMs) {
      stopping ??= (async () => {
        const deadline = Date.now() + deadlineMs;
        let failure: unknown;
        for (const role of [...started].reverse()) {
          try {
            await role.stop(deadline);
          } catch (error) {
            // The next roles still stop; the first failure is reported once all have.
            log.error({ err: error, role: role.name }, 'stopping failed');
            failure ??= error;
          }
        }
        if (failure !== undefined) throw failure;
      })();
      return stopping;
    },
  };
}

/** Runs until SIGTERM/SIGINT, then closes gracefully within `deadlineMs` and exits (0, or 1 on failure). */
export function closeOnSignals(
  service: { close(deadlineMs?: number): Promise<void> },
  log: Logger,
  deadlineMs = 10_000,
) {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    // Backstop: a hung close must not keep the process alive past the deadline.
    setTimeout(() => process.exit(1), deadlineMs + SHUTDOWN_BACKSTOP_MS).unref();
    service.close(deadlineMs).then(
      () => {
        log.info({ signal }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}
