import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RedisClient, workerConnection } from '../../src/queue/connections.js';
import type { Observation } from '../../src/rooms/room-store.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { keysByNode, type LocalRedisCluster, startRedisCluster } from '../support/redis-cluster.js';

/**
 * Every RoomStore operation through an ioredis Cluster, with rooms that hash to different
 * masters: the single-room scripts and transactions, and the operations that span rooms (the
 * index and the listing), which must not send one multi-slot command or pipeline.
 */

let cluster: LocalRedisCluster;
let redis: RedisClient;
let store: RoomStore;
const T = 1_700_000_000_000;
const namespace = 'cs';

beforeAll(async () => {
  cluster = await startRedisCluster({ masters: 3 });
  redis = workerConnection({ clusterNodes: cluster.ports.map((port) => ({ host: '127.0.0.1', port })) });
  store = new RoomStore(redis, { namespace });
});
afterAll(async () => {
  await redis?.quit();
  await cluster?.stop();
});

const push = (roomId: string, streamId: string, sequence: string, at = T): Observation => ({
  kind: 'push',
  streamId,
  sequence,
  eventTimeMs: at,
  receivedAt: at,
  width: 540,
  height: 960,
  membership: { roomId, role: 'guest', media: 'av', notes: [] },
});

/** Twelve rooms: enough that three masters each own some (checked, not assumed). */
const ROOMS = Array.from({ length: 12 }, (_, i) => `room${i}`);

describe('room store on a Redis Cluster', () => {
  test('observations, reads, updates and the lease work per room, on every master', async () => {
    for (const [i, roomId] of ROOMS.entries()) {
      expect(await store.applyObservation(push(roomId, 'a', '11'), T + i)).toEqual({
        outcome: 'applied',
        version: 1,
      });
      await store.update(roomId, { status: i % 2 ? 'mixing' : 'idle', causesReported: 16 }, T + i);
    }
    const byNode = await keysByNode(cluster, `${namespace}:{room:*`);
    expect([...byNode.values()].filter((keys) => keys.length > 0)).toHaveLength(3);

    const state = await store.read('room1');
    expect(state?.streams.map((s) => s.streamId)).toEqual(['a']);
    expect(state?.meta.status).toBe('mixing');
    expect(state?.causes).toEqual([]);

    const leased = await store.readLeased('room1', 5000);
    if (!('lease' in leased)) throw new Error('the first reader must get the lease');
    expect(await store.readLeased('room1', 5000)).toHaveProperty('heldForMs');
    await leased.lease.release();
    const again = await store.readLeased('room1', 5000);
    expect(again).toHaveProperty('lease');
    if ('lease' in again) await again.lease.release();
  });

  test('the listing spans rooms on all masters, with and without a status filter', async () => {
    const all = await store.listRooms({ limit: 50 });
    expect(all.rooms.map((r) => r.state.roomId).sort()).toEqual([...ROOMS].sort());
    const mixing = await store.listRooms({ limit: 50, status: 'mixing' });
    expect(mixing.rooms.map((r) => r.state.roomId).sort()).toEqual(ROOMS.filter((_, i) => i % 2).sort());
  });

  test('operator changes and deletion work per room', async () => {
    const version = await store.setConfig('room2', { preset: 'grid' }, T + 100);
    expect(version).toBe(2);
    await store.setOverride('room2', { config: { preset: 'pk' }, at: T + 100, until: T + 60_000 }, T + 100);
    expect((await store.read('room2'))?.override?.config.preset).toBe('pk');
    await store.clearOverride('room2', T + 200);
    const cleared = await store.read('room2');
    expect(cleared?.config?.preset).toBe('grid');
    expect(cleared?.override).toBeUndefined();

    const deleting = await store.markDeleting('room2', T + 300);
    expect(await store.forget('room2', deleting, T + 300)).toBe(true);
    expect(await store.read('room2')).toBeNull();
    expect((await store.listRooms({ limit: 50 })).rooms.map((r) => r.state.roomId)).not.toContain('room2');
  });
});
