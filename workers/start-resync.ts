import type { Config } from '../src/config.js';
import type { Logger } from '../src/log.js';
import type { Metrics } from '../src/metrics.js';
import { applyQueuePolicy, openQueue, type QueueConnection } from '../src/queue/bullmq.js';
import { jobCatalog } from '../src/queue/catalog.js';
import type { RedisClient } from '../src/queue/connections.js';
import { resyncNow, scheduleResync } from '../src/queue/resync-schedule.js';
import { reindexRooms } from '../src/rooms/room-index.js';
import type { RoomStore } from '../src/rooms/room-store.js';
import { claimMarker, watchForRedisLoss } from './redis-loss-watch.js';

/**
 * The resync's part of a worker process: the scheduler (upserted here, at every start), a sweep at
 * start-up, the resync worker once both are in place, and the watch that rebuilds all of it when
 * Redis comes back empty.
 */

export interface ResyncOptions {
  config: Config;
  connection: RedisClient;
  prefix: string;
  store: RoomStore;
  log: Logger;
  metrics?: Metrics | undefined;
  now: () => number;
}

export interface RunningResync<W> {
  worker: W;
  /** Stops the watch and the queue; the worker is closed with the others. */
  close(): Promise<void>;
}

export async function startResync<W extends { waitUntilReady(): Promise<unknown> }>(
  options: ResyncOptions,
  startWorker: (where: QueueConnection) => W,
): Promise<RunningResync<W>> {
  const { config, connection, prefix, store, log, now } = options;
  const queue = openQueue(jobCatalog.resync, { connection, prefix });
  queue.on('error', (error) => log.error({ err: error }, 'resync queue error'));
  await queue.waitUntilReady();

  const rebuild = async (reason: 'start-up' | 'redis-empty') => {
    if (reason === 'redis-empty') {
      const reindexed = await reindexRooms(store, now());
      if (reindexed) log.warn({ reindexed }, 'rooms that survived were re-indexed');
    }
    await scheduleResync(queue, config.RESYNC_INTERVAL_MS);
    await applyQueuePolicy(queue, jobCatalog.resync, config);
    await resyncNow(queue, reason);
  };

  const markerKey = store.keys.marker;
  if (await claimMarker(connection, markerKey, now())) {
    // A first start on this Redis, or one that lost its data: room keys that survived get indexed.
    const reindexed = await reindexRooms(store, now());
    // No marker and no room: nothing tells a first start from a Redis emptied while stopped, and
    // the first is what it nearly always is. Rooms without a marker: the marker alone was lost.
    if (reindexed === 0) log.info('first start on this Redis (no marker, no rooms yet)');
    else
      log.info(
        { reindexed },
        'no marker in Redis but rooms found (it lost part of its data): rooms re-indexed',
      );
  }
  await rebuild('start-up');

  const worker = startWorker({ connection, prefix });
  const watch = watchForRedisLoss({
    redis: connection,
    key: markerKey,
    intervalMs: config.RESYNC_INTERVAL_MS,
    onLoss: async () => {
      options.metrics?.resync.inc({ action: 'redis_empty' });
      await rebuild('redis-empty');
    },
    log,
  });
  await worker.waitUntilReady();
  log.info({ everyMs: config.RESYNC_INTERVAL_MS }, 'resync scheduled');

  return {
    worker,
    async close() {
      watch.close();
      await queue.close();
    },
  };
}
