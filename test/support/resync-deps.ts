import { createLogger } from '../../src/log.js';
import { LIMITS } from '../../src/tencent/limits.js';
import type { ResyncDeps } from '../../workers/resync.js';

const HOUR = 3600_000;

/**
 * The resync's dependencies as the tests run it: one policy (3 s leave grace,
 * 6 h silence, failed rooms retried after 5 min, the live list trusted after 60 s, legacy limits),
 * no jitter, a silent log. Tests pass the store, queue and clock, and whatever they vary.
 */
export function resyncDeps(
  deps: Pick<ResyncDeps, 'store' | 'reconcileQueue' | 'now'> & Partial<ResyncDeps>,
): ResyncDeps {
  return {
    policy: {
      leaveGraceMs: 3000,
      silenceMs: 6 * HOUR,
      failedRetryMs: 5 * 60_000,
      onlineListGraceMs: 60_000,
      limits: LIMITS.legacy,
    },
    jitterMs: 0,
    reconcileAttempts: 3,
    log: createLogger('silent'),
    ...deps,
  };
}
