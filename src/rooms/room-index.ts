import type { Cluster, Redis } from 'ioredis';
import { type RoomState, readRoom, STATUS_FIELDS, storedStatus } from './room-state.js';
import type { RoomStore } from './room-store.js';
import { defineScript, replyOf } from './scripts/define.js';
import { runForgetIdleRoom } from './scripts/operator.js';
import type { RoomStatus } from './stored.js';

/**
 * The room index: one sorted set of room ids by last activity, the only key across rooms. The
 * listing pages it, the resync scans it, and `reindexRooms` rebuilds it from the rooms' own keys.
 */

/** Where a listing page ended: rooms are listed by last activity, newest first. */
export interface RoomCursor {
  activeAt: number;
  roomId: string;
}

export interface ListRoomsOptions {
  /** A room status, or `deleting` for rooms an operator deleted that are not gone yet. */
  status?: RoomStatus | 'deleting';
  limit: number;
  after?: RoomCursor;
  /** With a status filter, stop after looking at this many rooms and hand back a cursor. */
  scanLimit?: number;
}

export interface RoomPage {
  rooms: { state: RoomState; activeAt: number }[];
  /** Absent when the listing is complete. */
  next?: RoomCursor;
}

/** Marks a room active now; adds it unless the index holds `cap` rooms already. → indexed? */
const INDEX_BOUNDED = defineScript({
  name: 'mkIndexBounded',
  reply: replyOf<number>(),
  keys: ['index'],
  args: { roomId: 'string', now: 'number', cap: 'number' },
  body: `
if redis.call('ZSCORE', index, roomId) or redis.call('ZCARD', index) < cap then
  redis.call('ZADD', index, now, roomId)
  return 1
end
return 0
`,
});

/** Marks the room active now (adding it to the index if need be): an operator's change. */
export async function indexRoom(store: RoomStore, roomId: string, nowMs: number): Promise<void> {
  await store.redis.zadd(store.keys.index, nowMs, roomId);
}

/**
 * Marks the room active now, adding it to the index unless it holds `store.maxRooms` rooms already
 * (a callback naming a room is not proof of one: its body is not signed). → whether it is indexed.
 */
export async function indexRoomWithinCap(store: RoomStore, roomId: string, nowMs: number): Promise<boolean> {
  const indexed = await INDEX_BOUNDED.run(
    store.redis,
    { index: store.keys.index },
    { roomId, now: nowMs, cap: store.maxRooms },
  );
  return indexed === 1;
}

/**
 * A page of rooms, most recently active first. The cursor is the last room's (activity, id), so
 * a room that becomes active while an operator pages moves to the front instead of shifting
 * every later page.
 */
export async function listRooms(store: RoomStore, options: ListRoomsOptions): Promise<RoomPage> {
  const { after, status, limit } = options;
  const scanLimit = options.scanLimit ?? 2000;
  const batch = Math.max(limit, 50);
  const found: RoomCursor[] = [];
  let offset = 0;
  let scanned = 0;
  let last: RoomCursor | undefined;
  let exhausted = false;
  while (found.length < limit && scanned < scanLimit) {
    const raw = await store.redis.zrevrangebyscore(
      store.keys.index,
      after ? after.activeAt : '+inf',
      '-inf',
      'WITHSCORES',
      'LIMIT',
      offset,
      batch,
    );
    offset += raw.length / 2;
    if (raw.length < batch * 2) exhausted = true;
    const candidates: RoomCursor[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const entry = { roomId: raw[i]!, activeAt: Number(raw[i + 1]) };
      // Equal scores come in reverse lexicographic order, so "after" means a smaller id.
      if (after && entry.activeAt === after.activeAt && entry.roomId >= after.roomId) continue;
      candidates.push(entry);
    }
    const matches = status ? await withStatus(store, candidates, status) : candidates.map(() => true);
    for (const [i, entry] of candidates.entries()) {
      if (found.length >= limit) break;
      scanned += 1;
      last = entry;
      if (matches[i]) found.push(entry);
    }
    if (found.length >= limit) {
      // More may follow unless this batch was the index's last and we used all of it.
      if (exhausted && last === candidates.at(-1)) last = undefined;
      break;
    }
    if (exhausted) {
      last = undefined;
      break;
    }
  }
  const states = await Promise.all(found.map((entry) => readRoom(store, entry.roomId)));
  const rooms = found.flatMap((entry, i) => {
    const state = states[i];
    return state ? [{ state, activeAt: entry.activeAt }] : [];
  });
  return last ? { rooms, next: last } : { rooms };
}

async function withStatus(
  store: RoomStore,
  entries: RoomCursor[],
  status: RoomStatus | 'deleting',
): Promise<boolean[]> {
  if (entries.length === 0) return [];
  // Concurrent commands rather than one pipeline: on Redis Cluster a pipeline must stay in one
  // slot, and these rooms hash to many. All are in flight at once either way.
  const results = await Promise.all(
    entries.map((entry) => store.redis.hmget(store.keys.room(entry.roomId).meta, ...STATUS_FIELDS)),
  );
  return results.map(([stored, deleting]) => {
    const found = storedStatus({ status: stored, deleting });
    return status === 'deleting' ? found.deleting : found.status === status;
  });
}

/**
 * One page of the room index, in no particular order (ZSCAN: a room indexed throughout is seen at
 * least once), with each room's last activity.
 */
export async function scanRoomIds(
  store: RoomStore,
  cursor: string,
  count: number,
): Promise<{ cursor: string; roomIds: string[]; activeAt: Map<string, number> }> {
  const [next, flat] = await store.redis.zscan(store.keys.index, cursor, 'COUNT', count);
  const activeAt = new Map<string, number>();
  for (let i = 0; i + 1 < flat.length; i += 2) activeAt.set(flat[i]!, Number(flat[i + 1]));
  return { cursor: next, roomIds: [...activeAt.keys()], activeAt };
}

/** Takes a room out of the index if it has been idle since `idleBefore` or longer. → its score, or null. */
const UNINDEX_IDLE = defineScript({
  name: 'mkUnindexIdle',
  reply: replyOf<string | null>(),
  keys: ['index'],
  args: { roomId: 'string', idleBefore: 'number' },
  body: `
local score = redis.call('ZSCORE', index, roomId)
if not score or tonumber(score) > idleBefore then return false end
redis.call('ZREM', index, roomId)
return score
`,
});

/**
 * Forgets a room idle since `idleBefore` (src/reconcile/resync-plan.ts decided it may go), every
 * key of it, if it is still at `version` and still has nothing to keep it (the script reads it
 * again). Out of the index first, only if no callback marked it active meanwhile; a callback
 * re-creating the room after that re-adds it (it indexes before it writes), and a refusal puts
 * the entry back as it was. `endpointIds`: webhook endpoints whose outbox for the room may hold
 * events (any that does keeps the room). Returns whether the room was forgotten.
 */
export async function forgetIdleRoom(
  store: RoomStore,
  roomId: string,
  args: { version: number; idleBefore: number; endpointIds: readonly string[] },
): Promise<boolean> {
  const { redis, keys } = store;
  const score = await UNINDEX_IDLE.run(redis, { index: keys.index }, { roomId, idleBefore: args.idleBefore });
  if (score === null || score === undefined) return false;
  const outboxes = args.endpointIds.map((endpointId) => keys.webhookOutbox(roomId, endpointId));
  if (await runForgetIdleRoom(redis, keys.room(roomId), { version: args.version }, outboxes)) return true;
  await redis.zadd(keys.index, 'NX', score, roomId);
  return false;
}

/**
 * Puts every room that has state back into the index (after the index was lost while room keys
 * survived). Scans each primary on a Cluster. Returns how many were missing.
 */
export async function reindexRooms(store: RoomStore, nowMs: number): Promise<number> {
  const { redis, keys } = store;
  const nodes: Redis[] = redis.isCluster ? (redis as Cluster).nodes('master') : [redis as Redis];
  let added = 0;
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, found] = await node.scan(cursor, 'MATCH', keys.metaPattern, 'COUNT', 1000);
      cursor = next;
      for (const key of found) {
        const roomId = keys.roomIdOfMetaKey(key);
        if (roomId !== undefined) added += await redis.zadd(keys.index, 'NX', nowMs, roomId);
      }
    } while (cursor !== '0');
  }
  return added;
}
