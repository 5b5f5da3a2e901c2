/**
 * Lua shared by the room scripts, written once and placed in each script that uses it (see
 * `defineScript`'s `fragments`). Each is a local function, so a script names what it calls.
 */

/**
 * The room changed: a new version, so the reconcile (and a room failed at the old version) looks
 * again, and the cause, so the next request can say what led to it. Keeps the last 16 causes.
 */
export const BUMP_VERSION = `
local function bumpVersion(metaKey, causesKey, at, cause)
  local version = redis.call('HINCRBY', metaKey, 'version', 1)
  redis.call('HSET', metaKey, 'updatedAt', at)
  redis.call('RPUSH', causesKey, cause)
  redis.call('LTRIM', causesKey, -16, -1)
  return version
end`;

/**
 * Audit lines (src/rooms/audit.ts: `[at, v, type, ...fields]`). `pushAudit` adds lines, newest
 * first, and keeps the newest `cap`. `auditLine` completes an entry TS encoded without what only
 * the script knows: its version, and values it decided (an observation's outcome), which come first
 * among the fields; `fields` is TS's JSON array of the rest, appended as text.
 */
export const AUDIT = `
local function pushAudit(auditKey, cap, lines)
  if #lines == 0 then return end
  redis.call('LPUSH', auditKey, unpack(lines))
  redis.call('LTRIM', auditKey, 0, cap - 1)
end
local function auditLine(at, version, auditType, decided, fields)
  local head = cjson.encode({ at, version, auditType, unpack(decided) })
  if fields == '[]' then return head end
  return string.sub(head, 1, -2) .. ',' .. string.sub(fields, 2)
end`;

/**
 * Calls `visit(streamId, stored)` for each `refs` pair (stream id, sequence) whose push is still the
 * stored one: a newer push of the same stream since the caller read the room is left alone.
 * Returns how many visits answered true.
 */
export const EACH_STORED_PUSH = `
local function eachStoredPush(streamsKey, refs, visit)
  local count = 0
  for i = 1, #refs, 2 do
    local streamId, sequence = refs[i], refs[i + 1]
    local raw = redis.call('HGET', streamsKey, streamId)
    if raw then
      local s = cjson.decode(raw)
      if s.sequence == sequence and visit(streamId, s) then count = count + 1 end
    end
  end
  return count
end`;
