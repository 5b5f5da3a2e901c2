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
 * Adds audit entries (encoded by src/rooms/audit.ts), newest first, and keeps the newest `cap`.
 * An entry a script completes (its version, an observation's outcome) is spliced by `auditEntry`.
 */
export const PUSH_AUDIT = `
local function pushAudit(auditKey, cap, entries)
  if #entries == 0 then return end
  redis.call('LPUSH', auditKey, unpack(entries))
  redis.call('LTRIM', auditKey, 0, cap - 1)
end
local function auditEntry(entry, version, outcome)
  -- string splicing, not cjson: cjson would turn [] into {}
  local head = '{"v":' .. version
  if outcome then head = head .. ',"outcome":"' .. outcome .. '"' end
  return head .. ',' .. string.sub(entry, 2)
end`;
