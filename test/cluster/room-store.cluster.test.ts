import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RedisClient, workerConnection } from '../../src/queue/connections.js';
import { readLeased } from '../../src/rooms/lease.js';
import { applyObservation, type Observation } from '../../src/rooms/observations.js';
import {
  clearOverride,
  forgetRoom,
  markDeleting,
  setConfig,
  setOverride,
} from '../../src/rooms/operator-changes.js';
import { forgetIdleRoom, listRooms } from '../../src/rooms/room-index.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
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
      expect(await applyObservation(store, push(roomId, 'a', '11'), T + i)).toEqual({
        outcome: 'applied',
        version: 1,
      });
      await updateRoom(store, roomId, { status: i % 2 ? 'mixing' : 'idle', causesReported: 16 }, T + i);
    }
    const byNode = await keysByNode(cluster, `${namespace}:{room:*`);
    expect([...byNode.values()].filter((keys) => keys.length > 0)).toHaveLength(3);

    const state = await readRoom(store, 'room1');
    expect(state?.streams.map((s) => s.streamId)).toEqual(['a']);
    expect(state?.meta.status).toBe('mixing');
    expect(state?.causes).toEqual([]);

    const leased = await readLeased(store, 'room1', 5000);
    if (!('lease' in leased)) throw new Error('the first reader must get the lease');
    expect(await readLeased(store, 'room1', 5000)).toHaveProperty('heldForMs');
    await leased.lease.release();
    const again = await readLeased(store, 'room1', 5000);
    expect(again).toHaveProperty('lease');
    if ('lease' in again) await again.lease.release();
  });

  test('the listing spans rooms on all masters, with and without a status filter', async () => {
    const all = await listRooms(store, { limit: 50 });
    expect(all.rooms.map((r) => r.state.roomId).sort()).toEqual([...ROOMS].sort());
    const mixing = await listRooms(store, { limit: 50, status: 'mixing' });
    expect(mixing.rooms.map((r) => r.state.roomId).sort()).toEqual(ROOMS.filter((_, i) => i % 2).sort());
  });

  test('operator changes and deletion work per room', async () => {
    const version = await setConfig(store, 'room2', { preset: 'grid' }, T + 100);
    expect(version).toBe(2);
    await setOverride(store, 'room2', { config: { preset: 'pk' }, at: T + 100, until: T + 60_000 }, T + 100);
    expect((await readRoom(store, 'room2'))?.override?.config.preset).toBe('pk');
    await clearOverride(store, 'room2', T + 200);
    const cleared = await readRoom(store, 'room2');
    expect(cleared?.config?.preset).toBe('grid');
    expect(cleared?.override).toBeUndefined();

    const deleting = await markDeleting(store, 'room2', T + 300);
    expect(await forgetRoom(store, 'room2', deleting, T + 300)).toBe(true);
    expect(await readRoom(store, 'room2')).toBeNull();
    expect((await listRooms(store, { limit: 50 })).rooms.map((r) => r.state.roomId)).not.toContain('room2');
  });

  test('an idle room is forgotten on its own master, its outboxes checked in its slot', async () => {
    const rooms = ['idle0', 'idle1', 'idle2', 'idle3', 'idle4', 'idle5'];
    for (const roomId of rooms) {
      await applyObservation(store, push(roomId, 'a', '1', T), T);
      await applyObservation(store, { ...push(roomId, 'a', '1', T), kind: 'disconnect' }, T);
      await redis.hdel(store.keys.room(roomId).streams, 'a');
      await redis.rpush(store.keys.webhookOutbox(roomId, 'ep1'), '{"id":"evt_1"}');
    }
    const byNode = await keysByNode(cluster, `${namespace}:{room:idle*}:meta`);
    expect([...byNode.values()].filter((keys) => keys.length).length).toBeGreaterThan(1);
    for (const roomId of rooms) {
      const version = (await readRoom(store, roomId))!.meta.version;
      const args = { version, idleBefore: T + 1, endpointIds: ['ep1'] };
      expect(await forgetIdleRoom(store, roomId, args), roomId).toBe(false);
      await redis.del(store.keys.webhookOutbox(roomId, 'ep1'));
      expect(await forgetIdleRoom(store, roomId, args), roomId).toBe(true);
      expect(await readRoom(store, roomId)).toBeNull();
      expect(await redis.exists(store.keys.room(roomId).tombstones, store.keys.room(roomId).audit)).toBe(0);
    }
  });
});
