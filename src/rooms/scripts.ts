import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** A Lua script run by its SHA, loaded on first use (and again after a Redis restart). */
export class RoomScript {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis | Cluster, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return redis.eval(this.lua, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Lua scripts that change one room atomically. Every key a script touches is one room's
 * (`mk:{room:<id>}:…`, passed in KEYS), so each runs in a single Redis Cluster slot.
 */

/**
 * Applies one push or disconnect observation.
 * KEYS: 1 streams hash, 2 meta hash, 3 tombstones (zset `<sequence> <stream>` → expiry), 4 audit list,
 *       5 causes list,
 *       6 latest push event time per stream (zset; outlives the stream's record, see below)
 * ARGV: 1 kind, 2 stream id, 3 sequence, 4 event time ms, 5 stream record JSON (push),
 *       6 now ms, 7 tombstone ttl ms, 8 preset ('' = none), 9 audit cap, 10 audit detail JSON
 * Returns {outcome, version}; outcome: applied | duplicate | stale | unknown.
 */
export const APPLY_OBSERVATION = new RoomScript(`
local kind, id, seq = ARGV[1], ARGV[2], ARGV[3]
local eventTime = tonumber(ARGV[4])
local now = tonumber(ARGV[6])
local outcome = 'applied'
local existingRaw = redis.call('HGET', KEYS[1], id)
local existing = existingRaw and cjson.decode(existingRaw) or nil
-- Tombstones: disconnects seen, kept for the retry window in one small zset per room (one key each
-- would cost ~100 bytes of key overhead apiece). The sequence is digits only, so the first space ends it.
local tomb = seq .. ' ' .. id
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)

if kind == 'push' then
  -- Only a stream's latest push counts. Its time is kept apart from the stream's record, which is
  -- pruned after the leave grace or never written (push after its own disconnect), so a late retry
  -- of an older push still finds it; forgotten once older than the retry window (like tombstones).
  local latest = tonumber(redis.call('ZSCORE', KEYS[6], id) or '')
  if not latest or eventTime > latest then redis.call('ZADD', KEYS[6], eventTime, id) end
  redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', string.format('(%.0f', eventTime - tonumber(ARGV[7])))
  redis.call('PEXPIRE', KEYS[6], ARGV[7])
  if redis.call('ZSCORE', KEYS[3], tomb) then
    -- its disconnect came first (or a retry of a push that has ended): stays gone
    outcome = 'stale'
    if existing and existing.sequence ~= seq and not existing.leftAt and eventTime > existing.eventTimeMs then
      -- ...and it had replaced the older push stored here (one push per stream name at a time),
      -- whose own disconnect may never come: that push has ended too
      existing.leftAt = now
      redis.call('HSET', KEYS[1], id, cjson.encode(existing))
      outcome = 'applied'
    end
  elseif existing and existing.sequence == seq then
    outcome = 'duplicate'
  elseif (existing and eventTime < existing.eventTimeMs) or (latest and eventTime < latest) then
    -- an older push delivered after the one that replaced it
    outcome = 'stale'
  else
    redis.call('HSET', KEYS[1], id, ARGV[5])
    if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'pushPreset', ARGV[8]) end
  end
else
  redis.call('ZADD', KEYS[3], now + tonumber(ARGV[7]), tomb)
  redis.call('PEXPIRE', KEYS[3], ARGV[7])
  if not existing then
    outcome = 'unknown'
  elseif existing.sequence ~= seq then
    -- the late disconnect of a push that another push already replaced
    outcome = 'stale'
  elseif existing.leftAt then
    outcome = 'duplicate'
  else
    existing.leftAt = now
    redis.call('HSET', KEYS[1], id, cjson.encode(existing))
  end
end

local version
if outcome == 'applied' then
  version = redis.call('HINCRBY', KEYS[2], 'version', 1)
  redis.call('HSET', KEYS[2], 'updatedAt', now)
  redis.call('RPUSH', KEYS[5], kind .. ' ' .. id .. ' ' .. seq)
  redis.call('LTRIM', KEYS[5], -16, -1)
else
  version = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
end
local entry = cjson.decode(ARGV[10])
entry.outcome = outcome
entry.v = version
redis.call('LPUSH', KEYS[4], cjson.encode(entry))
redis.call('LTRIM', KEYS[4], 0, tonumber(ARGV[9]) - 1)
return {outcome, version}
`);

/**
 * Forgets streams whose leave grace has passed (the disconnect's sequence still matches).
 * KEYS: 1 streams hash. ARGV: 1 now ms, 2 grace ms. Returns the number removed.
 */
export const PRUNE_DEPARTED = new RoomScript(`
local now, grace = tonumber(ARGV[1]), tonumber(ARGV[2])
local removed = 0
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  local s = cjson.decode(all[i + 1])
  if s.leftAt and s.leftAt + grace <= now then
    redis.call('HDEL', KEYS[1], all[i])
    removed = removed + 1
  end
end
return removed
`);

/**
 * Releases a lease only if this holder still owns it.
 * KEYS: 1 lease. ARGV: 1 token.
 */
export const RELEASE_LEASE = new RoomScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/**
 * Forgets a room an operator deleted, once its reconcile saw nothing left to cancel. Refuses
 * (returns 0) when the room changed since that reconcile read it, is no longer marked for
 * deletion, or has a mix again, so a callback racing the deletion is never lost silently.
 * KEYS: 1 meta hash, 2 applied, 3… every other key of the room. ARGV: 1 the version read.
 * Returns 1 when forgotten.
 */
export const FORGET_ROOM = new RoomScript(`
if (redis.call('HGET', KEYS[1], 'version') or '0') ~= ARGV[1] then return 0 end
if redis.call('HEXISTS', KEYS[1], 'deleting') == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', unpack(KEYS))
return 1
`);

/**
 * An operator's change to a room (config, override, deletion): applies it, bumps the version so
 * the reconcile (and a room failed at the old version) looks again, and logs it.
 * KEYS: 1 meta hash, 2 audit list, 3 causes list, 4 the key the change writes.
 * ARGV: 1 mutation (set | del | deleting), 2 value (set), 3 ttl ms (set; 0 = none), 4 now ms,
 *       5 audit cap, 6 audit entry JSON (an object, without `v`), 7 cause for the next request.
 * Returns the new version.
 */
export const OPERATOR_CHANGE = new RoomScript(`
local mutation, now = ARGV[1], ARGV[4]
if mutation == 'set' then
  if tonumber(ARGV[3]) > 0 then
    redis.call('SET', KEYS[4], ARGV[2], 'PX', ARGV[3])
  else
    redis.call('SET', KEYS[4], ARGV[2])
  end
elseif mutation == 'del' then
  redis.call('DEL', KEYS[4])
elseif mutation == 'deleting' then
  redis.call('HSET', KEYS[1], 'deleting', now)
end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'updatedAt', now)
redis.call('RPUSH', KEYS[3], ARGV[7])
redis.call('LTRIM', KEYS[3], -16, -1)
-- splice the version in rather than decode/encode: cjson would turn [] into {}
redis.call('LPUSH', KEYS[2], '{"v":' .. version .. ',' .. string.sub(ARGV[6], 2))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
return version
`);

/**
 * Records that the platform's live list still shows streams, so the resync's silence rule does not
 * expire them. Only the push the list may mean (same sequence, not leaving) is touched; no version
 * bump, as the desired mix does not change.
 * KEYS: 1 streams hash. ARGV: 1 now ms, then stream id and sequence pairs. Returns how many.
 */
export const CONFIRM_STREAMS = new RoomScript(`
local confirmed = 0
for i = 2, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw then
    local s = cjson.decode(raw)
    if s.sequence == ARGV[i + 1] and not s.leftAt then
      s.confirmedAt = tonumber(ARGV[1])
      redis.call('HSET', KEYS[1], ARGV[i], cjson.encode(s))
      confirmed = confirmed + 1
    end
  end
end
return confirmed
`);

/**
 * Reads a room in one command, first taking its lease when a token is given (a reconcile); one
 * round trip instead of a lease SET plus a MULTI of six reads.
 * KEYS: 1 meta, 2 streams, 3 config, 4 applied, 5 causes, 6 override, 7 lease.
 * ARGV: 1 lease token ('' = read only), 2 lease ttl ms.
 * Returns {0, lease ms left} when another holder has the lease, else {1, meta pairs, stream pairs, config,
 * applied, causes, override} (absent strings as nil).
 */
export const READ_ROOM = new RoomScript(`
if ARGV[1] ~= '' and not redis.call('SET', KEYS[7], ARGV[1], 'PX', ARGV[2], 'NX') then
  return {0, redis.call('PTTL', KEYS[7])}
end
return {
  1,
  redis.call('HGETALL', KEYS[1]),
  redis.call('HGETALL', KEYS[2]),
  redis.call('GET', KEYS[3]),
  redis.call('GET', KEYS[4]),
  redis.call('LRANGE', KEYS[5], 0, -1),
  redis.call('GET', KEYS[6]),
}
`);

/**
 * Writes a reconcile's outcome in one command, and releases its lease when a token is given.
 * KEYS: 1 meta, 2 applied, 3 audit, 4 causes, 5 lease.
 * ARGV: 1 meta fields to set (JSON array of field, value, …), 2 meta fields to delete (JSON array),
 *       3 applied ('' keep, '-' delete, else its JSON), 4 audit cap, 5 causes reported (the oldest n,
 *       dropped; causes added since the read stay for the next reconcile),
 *       6 lease token ('' = keep the lease), 7… audit entries (JSON), newest last.
 */
export const WRITE_ROOM = new RoomScript(`
local set, del = cjson.decode(ARGV[1]), cjson.decode(ARGV[2])
if #set > 0 then redis.call('HSET', KEYS[1], unpack(set)) end
if #del > 0 then redis.call('HDEL', KEYS[1], unpack(del)) end
if ARGV[3] == '-' then redis.call('DEL', KEYS[2]) elseif ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
if #ARGV > 6 then
  redis.call('LPUSH', KEYS[3], unpack(ARGV, 7))
  redis.call('LTRIM', KEYS[3], 0, tonumber(ARGV[4]) - 1)
end
if tonumber(ARGV[5]) > 0 then redis.call('LTRIM', KEYS[4], tonumber(ARGV[5]), -1) end
if ARGV[6] ~= '' and redis.call('GET', KEYS[5]) == ARGV[6] then redis.call('DEL', KEYS[5]) end
return 1
`);
