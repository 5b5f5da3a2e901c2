import type { Logger } from '../src/log.js';
import type { RedisClient } from '../src/queue/connections.js';

/**
 * Notices when Redis has lost its data (a restart without persistence, a failover to an empty
 * replica, a flush): a marker key, written at start-up, is gone. Whoever re-creates the marker
 * rebuilds what can be rebuilt; the others carry on. Checked at every (re)connection and every
 * `intervalMs`, because a Redis that lost its data also lost the resync's own scheduler.
 */

export interface RedisLossWatchOptions {
  redis: RedisClient;
  /** The marker key, in the service's namespace. */
  key: string;
  intervalMs: number;
  /** Rebuilds after a loss; called by one process per loss. */
  onLoss: () => Promise<void>;
  log: Logger;
}

/** Writes the marker if it is missing; true when this call created it (a fresh or emptied Redis). */
export async function claimMarker(redis: RedisClient, key: string, nowMs: number): Promise<boolean> {
  return (await redis.set(key, String(nowMs), 'NX')) === 'OK';
}

export function watchForRedisLoss(options: RedisLossWatchOptions): { close(): void } {
  const { redis, key, log } = options;
  let checking: Promise<void> | undefined;
  let closed = false;
  const check = () => {
    if (closed || checking || redis.status !== 'ready') return;
    checking = (async () => {
      let claimed = false;
      try {
        claimed = await claimMarker(redis, key, Date.now());
        if (!claimed) return;
        log.warn('Redis came back empty (its data was lost): rebuilding the resync schedule and resyncing');
        await options.onLoss();
      } catch (error) {
        // A rebuild cut short must run again: drop the marker so the next check claims it anew.
        if (claimed) await redis.del(key).catch(() => {});
        log.warn({ err: error }, 'checking Redis for data loss failed; trying again later');
      } finally {
        checking = undefined;
      }
    })();
  };
  const timer = setInterval(check, options.intervalMs);
  timer.unref();
  redis.on('ready', check);
  return {
    close() {
      closed = true;
      clearInterval(timer);
      redis.off('ready', check);
    },
  };
}
