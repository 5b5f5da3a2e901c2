import { Cluster, Redis } from 'ioredis';

/**
 * Two kinds of connection, as BullMQ asks:
 * - workers block on Redis and must wait through outages (`maxRetriesPerRequest: null`);
 * - producers inside an HTTP handler must fail fast, so the receiver answers 503 at once
 *   instead of holding Tencent's request while Redis is away.
 * Either kind is a standalone client or, when the target names Cluster nodes, an ioredis Cluster
 * with the same settings: BullMQ and the room store take both.
 */

/** A connection to Redis, standalone or Cluster. */
export type RedisClient = Redis | Cluster;

/** Where Redis is: a standalone primary's URL, or a Cluster's seed nodes. */
export type RedisTarget = string | { clusterNodes: { host: string; port: number }[]; password?: string };

/** The target the configuration names (REDIS_CLUSTER_NODES wins over REDIS_URL). */
export function redisTarget(config: {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: { host: string; port: number }[] | undefined;
  REDIS_CLUSTER_PASSWORD?: string | undefined;
}): RedisTarget {
  if (!config.REDIS_CLUSTER_NODES?.length) return config.REDIS_URL;
  return {
    clusterNodes: config.REDIS_CLUSTER_NODES,
    ...(config.REDIS_CLUSTER_PASSWORD ? { password: config.REDIS_CLUSTER_PASSWORD } : {}),
  };
}

export function workerConnection(target: string): Redis;
export function workerConnection(target: RedisTarget): RedisClient;
export function workerConnection(target: RedisTarget): RedisClient {
  if (typeof target === 'string') return new Redis(target, { maxRetriesPerRequest: null });
  // BullMQ reads maxRetriesPerRequest from `redisOptions` on a Cluster.
  return new Cluster(target.clusterNodes, {
    redisOptions: { maxRetriesPerRequest: null, ...passwordOf(target) },
  });
}

/**
 * `commandTimeout`: a Redis that stops answering without closing the connection (a network
 * blackhole) would otherwise hold every callback until TCP gives up; the receiver must answer 503
 * within a second so Tencent retries later. 300 ms is far above a healthy answer (an AOF fsync
 * spike is ~100 ms); a 503 for a job that did get stored is harmless, the retry is a duplicate.
 * Never on a worker connection: it would cut BullMQ's blocking reads.
 */
const PRODUCER_OPTIONS = { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 300 } as const;

export function producerConnection(target: string): Redis;
export function producerConnection(target: RedisTarget): RedisClient;
export function producerConnection(target: RedisTarget): RedisClient {
  if (typeof target === 'string') {
    return new Redis(target, { ...PRODUCER_OPTIONS, enableOfflineQueue: false });
  }
  // A Cluster queues commands at its own level while it (re)discovers slots: off, as for standalone.
  return new Cluster(target.clusterNodes, {
    enableOfflineQueue: false,
    redisOptions: { ...PRODUCER_OPTIONS, ...passwordOf(target) },
  });
}

function passwordOf(target: { password?: string }): { password?: string } {
  return target.password ? { password: target.password } : {};
}

/** Waits until the client is connected (or throws after `timeoutMs`). */
export async function waitUntilConnected(client: RedisClient, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
