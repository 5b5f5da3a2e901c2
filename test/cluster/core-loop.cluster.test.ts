import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { coreLoopSuite } from '../e2e/core-loop.suite.js';
import { keysByNode, type LocalRedisCluster, startRedisCluster } from '../support/redis-cluster.js';
import { type Backend, startStack } from '../support/stack.js';

/**
 * The core loop through a real 3-master Redis Cluster (REDIS_CLUSTER_NODES): every connection is
 * an ioredis Cluster, BullMQ's keys share one hash tag, each room's keys another.
 */

let cluster: LocalRedisCluster;
const namespaces: string[] = [];
beforeAll(async () => {
  // With a password, so AUTH on every node (REDIS_CLUSTER_PASSWORD) is proved too.
  cluster = await startRedisCluster({ masters: 3, password: `pw${process.pid}` });
});
afterAll(async () => {
  await cluster?.stop();
});

const openOnCluster = (backend: Backend) => async () => {
  const stack = await startStack(
    {
      REDIS_CLUSTER_NODES: cluster.nodes,
      REDIS_CLUSTER_PASSWORD: cluster.password ?? '',
      // Unreachable on purpose: nothing may fall back to the standalone URL.
      REDIS_URL: 'redis://127.0.0.1:1',
    },
    { backend },
  );
  namespaces.push(stack.service.store.namespace);
  return stack;
};

// Both mix APIs, as test/e2e/core-loop.test.ts runs them (api3 also runs the resync's online list).
describe.each(['legacy', 'api3'] as const)('core loop through a Redis Cluster, %s backend', (backend) => {
  coreLoopSuite(openOnCluster(backend));
});

describe('where the keys landed', () => {
  test('room keys spread over the masters; each room and each namespace’s queues stay in one slot', async () => {
    expect(namespaces.length).toBeGreaterThan(0);
    const client = cluster.client();
    try {
      const roomNodes = new Set<number>();
      for (const namespace of namespaces) {
        const byNode = await keysByNode(cluster, `${namespace}:*`);
        const queueByNode = await keysByNode(cluster, `{${namespace}}:*`);
        const queueNodes = [...queueByNode].filter(([, keys]) => keys.length > 0);
        // Every BullMQ key of the namespace is on one master, under the one hash tag.
        expect(queueNodes).toHaveLength(1);
        const queueKeys = queueNodes[0]![1];
        expect(queueKeys.some((key) => key.startsWith(`{${namespace}}:live-events:`))).toBe(true);
        expect(queueKeys.some((key) => key.startsWith(`{${namespace}}:reconcile:`))).toBe(true);
        const slots = new Set(await Promise.all(queueKeys.map((key) => client.cluster('KEYSLOT', key))));
        expect(slots.size).toBe(1);

        const slotsByRoom = new Map<string, Set<number>>();
        for (const [port, keys] of byNode) {
          for (const key of keys) {
            const room = /^[^:]+:\{room:([^}]+)\}:/.exec(key)?.[1];
            if (!room) continue;
            roomNodes.add(port);
            const slot = await client.cluster('KEYSLOT', key);
            slotsByRoom.set(room, (slotsByRoom.get(room) ?? new Set()).add(slot));
          }
        }
        expect(slotsByRoom.size).toBeGreaterThan(0);
        for (const slots of slotsByRoom.values()) expect(slots.size).toBe(1);
      }
      // Sixteen tests × a room each: the rooms did not all hash to one master.
      expect(roomNodes.size).toBeGreaterThan(1);
    } finally {
      client.disconnect();
    }
  });
});
