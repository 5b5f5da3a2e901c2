import { describe, expect, test } from 'vitest';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { type ListRoomsOptions, listRooms, type RoomCursor } from '../../src/rooms/room-index.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import { useRedis } from '../support/redis.js';

/** `listRooms`: cursor paging over the room index, with and without a status filter. */

const T = 1_800_000_000_000;
// One namespace per test: each walks a whole index.
const first = useRedis();
const second = useRedis();

async function walk(store: RoomStore, options: Omit<ListRoomsOptions, 'after'>) {
  const seen: string[] = [];
  let after: RoomCursor | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const page = await listRooms(store, { ...options, ...(after ? { after } : {}) });
    expect(page.rooms.length).toBeLessThanOrEqual(options.limit);
    seen.push(...page.rooms.map((r) => r.state.roomId));
    if (!page.next) return seen;
    after = page.next;
  }
  throw new Error('the listing never ended');
}

async function room(store: RoomStore, roomId: string, at: number) {
  const membership: Membership = { roomId, role: 'guest', media: 'av', notes: [] };
  await applyObservation(
    store,
    {
      kind: 'push',
      streamId: 's',
      sequence: '1',
      eventTimeMs: at,
      receivedAt: at,
      width: 0,
      height: 0,
      membership,
    },
    at,
  );
}

describe('listRooms', () => {
  test('rooms active at the same millisecond are each listed once, across pages', async () => {
    const store = new RoomStore(first.redis, { namespace: first.namespace });
    const ids = ['a1', 'b2', 'c3', 'd4', 'e5', 'f6', 'g7'];
    for (const id of ids) await room(store, id, T);
    await room(store, 'later', T + 1);
    const seen = await walk(store, { limit: 3 });
    expect(seen).toEqual(['later', ...[...ids].reverse()]);
  });

  test('a status filter pages through every match once, however the matches are spread', async () => {
    const store = new RoomStore(second.redis, { namespace: second.namespace });
    const failed: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const id = `r${String(i).padStart(2, '0')}`;
      await room(store, id, T + i);
      if (i % 7 === 3) {
        await updateRoom(store, id, { status: 'failed', failedVersion: 1 }, T + i);
        failed.push(id);
      }
    }
    expect(await walk(store, { limit: 2, status: 'failed' })).toEqual([...failed].reverse());
    // A tight scan budget only makes pages smaller: the walk still finds every match.
    expect(await walk(store, { limit: 2, status: 'failed', scanLimit: 3 })).toEqual([...failed].reverse());
    expect(await walk(store, { limit: 5, status: 'mixing' })).toEqual([]);
  });
});
