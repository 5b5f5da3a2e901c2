import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Cluster, Redis } from 'ioredis';
import { type LocalRedis, startLocalRedis } from '../../src/commands/local-redis.js';

/**
 * A real Redis Cluster on loopback: `masters` redis-server processes with cluster mode on, each
 * in a temporary directory, joined by `redis-cli --cluster create` with no replicas. For the tests
 * that prove mixkeeper runs through ioredis `Cluster` (REDIS_CLUSTER_NODES).
 */

const run = promisify(execFile);

export interface LocalRedisCluster {
  /** `host:port,host:port,…`, as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  ports: number[];
  password: string | undefined;
  /** A fresh client for one master (standalone connection, so per-node commands are possible). */
  node(port: number): Redis;
  /** A fresh Cluster client. */
  client(): Cluster;
  stop(): Promise<void>;
}

export async function startRedisCluster(
  options: { masters?: number; password?: string } = {},
): Promise<LocalRedisCluster> {
  const masters = options.masters ?? 3;
  const servers: LocalRedis[] = [];
  const stop = async () => {
    await Promise.all(servers.map((server) => server.stop()));
  };
  try {
    for (let i = 0; i < masters; i++) {
      servers.push(
        await startLocalRedis({
          args: [
            '--cluster-enabled',
            'yes',
            // Relative to the server's own temporary --dir.
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-node-timeout',
            '2000',
          ],
        }),
      );
    }
    const ports = servers.map((server) => server.port);
    await run(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { timeout: 20_000 },
    );
    // The password comes last, so start-up and `--cluster create` need none (no replicas: no masterauth).
    if (options.password) {
      for (const port of ports) {
        const client = new Redis({ port, host: '127.0.0.1' });
        try {
          await client.config('SET', 'requirepass', options.password);
        } finally {
          client.disconnect();
        }
      }
    }
    const node = (port: number) =>
      new Redis({
        port,
        host: '127.0.0.1',
        maxRetriesPerRequest: null,
        ...(options.password ? { password: options.password } : {}),
      });
    await waitForClusterOk(ports, node);
    return {
      nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
      ports,
      password: options.password,
      node,
      client: () =>
        new Cluster(
          ports.map((port) => ({ host: '127.0.0.1', port })),
          options.password ? { redisOptions: { password: options.password } } : {},
        ),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Every node must agree the cluster is up (all 16384 slots served) before clients connect. */
async function waitForClusterOk(ports: number[], node: (port: number) => Redis, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (const port of ports) {
    const client = node(port);
    try {
      for (;;) {
        const info = await client.cluster('INFO');
        if (/cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info)) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok:\n${info}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.disconnect();
    }
  }
}

/** Keys matching `pattern` on each master, by port: where the cluster actually put them. */
export async function keysByNode(
  cluster: LocalRedisCluster,
  pattern: string,
): Promise<Map<number, string[]>> {
  const found = new Map<number, string[]>();
  for (const port of cluster.ports) {
    const client = cluster.node(port);
    try {
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      found.set(port, keys);
    } finally {
      client.disconnect();
    }
  }
  return found;
}
