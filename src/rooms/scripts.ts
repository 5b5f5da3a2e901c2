import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script run by its SHA, loaded on first use (and again after a Redis restart). */
export class RoomScript {
  private readonly sha: string;
  constructor(private readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
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
 * KEYS: 1 streams hash, 2 meta hash, 3 tombstone of (stream, sequence), 4 audit list, 5 causes list
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

if kind == 'push' then
  if redis.call('EXISTS', KEYS[3]) == 1 then
    -- its disconnect came first (or a retry of a push that has ended): stays gone
    outcome = 'stale'
  elseif existing and existing.sequence == seq then
    outcome = 'duplicate'
  elseif existing and eventTime < existing.eventTimeMs then
    -- an older push delivered after the one that replaced it
    outcome = 'stale'
  else
    redis.call('HSET', KEYS[1], id, ARGV[5])
    if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'pushPreset', ARGV[8]) end
  end
else
  redis.call('SET', KEYS[3], '1', 'PX', ARGV[7])
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
