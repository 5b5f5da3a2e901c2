import type { Cluster, Redis } from 'ioredis';
import type { RoomKeys } from '../keys.js';
import { defineScript, replyOf } from './define.js';
import { AUDIT, BUMP_VERSION, EACH_STORED_PUSH } from './fragments.js';

/** Scripts that apply what the platform told about a room's streams (callbacks, the resync). */

type Client = Redis | Cluster;

/**
 * applied: the room changed; duplicate: seen before; stale: superseded; unknown: a disconnect of
 * nothing stored; refused: a push of one stream more than the room may keep (ROOM_MAX_STREAMS), or
 * of a room more than mixkeeper may keep (ROOMS_MAX, decided before the script: room-index.ts).
 */
export type ObservationOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown' | 'refused';

const APPLY_OBSERVATION = defineScript({
  name: 'mkApplyObservation',
  reply: replyOf<[ObservationOutcome, number]>(),
  keys: ['streams', 'meta', 'tombstones', 'audit', 'causes', 'latestPush'],
  args: {
    kind: 'string',
    streamId: 'string',
    sequence: 'string',
    eventTime: 'number',
    /** The push's `StoredStream` JSON ('' for a disconnect). */
    record: 'string',
    now: 'number',
    tombstoneTtl: 'number',
    /** The main's preset ('' = none). */
    preset: 'string',
    /** Streams the room may keep: a push of one more is refused, a disconnect of one more not remembered. */
    maxStreams: 'number',
    auditCap: 'number',
    /** Its audit entry's type and fields after the outcome (src/rooms/audit.ts). */
    auditType: 'string',
    auditFields: 'string',
  },
  fragments: [BUMP_VERSION, AUDIT],
  body: `
local outcome = 'applied'
-- what the audit line says of the outcome: the outcome, or why it was refused
local said = nil
local existingRaw = redis.call('HGET', streams, streamId)
local existing = existingRaw and cjson.decode(existingRaw) or nil
-- Tombstones: disconnects seen, kept for the retry window in one small zset per room (one key each
-- would cost ~100 bytes of key overhead apiece). The sequence is digits only, so the first space ends it.
local tomb = sequence .. ' ' .. streamId
redis.call('ZREMRANGEBYSCORE', tombstones, '-inf', now)

if kind == 'push' and not existing and redis.call('HLEN', streams) >= maxStreams then
  -- Callback bodies are not covered by their sign: a forged stream more must not grow the room.
  outcome = 'refused'
  said = 'refused: the room keeps ' .. maxStreams .. ' streams at most (ROOM_MAX_STREAMS)'
elseif kind == 'push' then
  -- Only a stream's latest push counts. Its time is kept apart from the stream's record, which is
  -- pruned after the leave grace or never written (push after its own disconnect), so a late retry
  -- of an older push still finds it; forgotten once older than the retry window (like tombstones).
  local latest = tonumber(redis.call('ZSCORE', latestPush, streamId) or '')
  if not latest or eventTime > latest then redis.call('ZADD', latestPush, eventTime, streamId) end
  redis.call('ZREMRANGEBYSCORE', latestPush, '-inf', string.format('(%.0f', eventTime - tombstoneTtl))
  redis.call('PEXPIRE', latestPush, tombstoneTtl)
  if redis.call('ZSCORE', tombstones, tomb) then
    -- its disconnect came first (or a retry of a push that has ended): stays gone
    outcome = 'stale'
    if existing and existing.sequence ~= sequence and not existing.leftAt and eventTime > existing.eventTimeMs then
      -- ...and it had replaced the older push stored here (one push per stream name at a time),
      -- whose own disconnect may never come: that push has ended too
      existing.leftAt = now
      redis.call('HSET', streams, streamId, cjson.encode(existing))
      outcome = 'applied'
    end
  elseif existing and existing.sequence == sequence then
    outcome = 'duplicate'
  elseif (existing and eventTime < existing.eventTimeMs) or (latest and eventTime < latest) then
    -- an older push delivered after the one that replaced it
    outcome = 'stale'
  else
    redis.call('HSET', streams, streamId, record)
    if preset ~= '' then redis.call('HSET', meta, 'pushPreset', preset) end
  end
else
  -- a disconnect of a stream never stored is remembered too (its push may come late), but only so
  -- many: forged ones must not grow the room either
  if existing or redis.call('ZCARD', tombstones) < maxStreams then
    redis.call('ZADD', tombstones, now + tombstoneTtl, tomb)
    redis.call('PEXPIRE', tombstones, tombstoneTtl)
  end
  if not existing then
    outcome = 'unknown'
  elseif existing.sequence ~= sequence then
    -- the late disconnect of a push that another push already replaced
    outcome = 'stale'
  elseif existing.leftAt then
    outcome = 'duplicate'
  else
    existing.leftAt = now
    redis.call('HSET', streams, streamId, cjson.encode(existing))
  end
end

local version
if outcome == 'applied' then
  version = bumpVersion(meta, causes, now, kind .. ' ' .. streamId .. ' ' .. sequence)
else
  version = tonumber(redis.call('HGET', meta, 'version') or '0')
end
-- { outcome }: the DECIDED_BY_SCRIPT fields (src/rooms/observations.ts); keep the two in step
pushAudit(audit, auditCap, { auditLine(now, version, auditType, { said or outcome }, auditFields) })
return {outcome, version}
`,
});

export interface ApplyObservationArgs {
  kind: 'push' | 'disconnect';
  streamId: string;
  sequence: string;
  eventTime: number;
  record: string;
  now: number;
  tombstoneTtl: number;
  preset: string;
  maxStreams: number;
  auditCap: number;
  auditType: 'callback' | 'resync';
  auditFields: string;
}

/** One push or disconnect, with its audit entry, atomically. */
export async function runApplyObservation(
  redis: Client,
  keys: Pick<RoomKeys, 'streams' | 'meta' | 'tombstones' | 'audit' | 'causes' | 'latestPush'>,
  args: ApplyObservationArgs,
): Promise<{ outcome: ObservationOutcome; version: number }> {
  const [outcome, version] = await APPLY_OBSERVATION.run(redis, keys, args);
  return { outcome, version };
}

const FORGET_STREAMS = defineScript({
  name: 'mkForgetStreams',
  reply: replyOf<number>(),
  keys: ['streams'],
  args: {},
  /** Stream id and sequence, pair after pair. */
  rest: 'refs',
  fragments: [EACH_STORED_PUSH],
  body: `
return eachStoredPush(streams, refs, function(streamId, s)
  if not s.leftAt then return false end
  redis.call('HDEL', streams, streamId)
  return true
end)
`,
});

/**
 * Forgets these pushes, each only while it is still the stored one and still leaving: the caller
 * decided their leave grace has passed (that rule lives in src/reconcile/snapshot.ts alone), and a
 * new push of the same stream since then must stay. Returns how many were removed.
 */
export function runForgetStreams(
  redis: Client,
  keys: Pick<RoomKeys, 'streams'>,
  streams: readonly { streamId: string; sequence: string }[],
): Promise<number> {
  const refs = streams.flatMap((s) => [s.streamId, s.sequence]);
  return FORGET_STREAMS.run(redis, keys, {}, refs);
}

const CONFIRM_STREAMS = defineScript({
  name: 'mkConfirmStreams',
  reply: replyOf<number>(),
  keys: ['streams'],
  args: { now: 'number' },
  /** Stream id and sequence, pair after pair. */
  rest: 'refs',
  fragments: [EACH_STORED_PUSH],
  body: `
return eachStoredPush(streams, refs, function(streamId, s)
  if s.leftAt then return false end
  s.confirmedAt = now
  redis.call('HSET', streams, streamId, cjson.encode(s))
  return true
end)
`,
});

/**
 * Records that the platform's online list still shows these pushes (same sequence, not leaving), so
 * the resync's silence rule does not expire them. No version bump: the desired mix does not change.
 */
export function runConfirmStreams(
  redis: Client,
  keys: Pick<RoomKeys, 'streams'>,
  args: { now: number },
  streams: readonly { streamId: string; sequence: string }[],
): Promise<number> {
  const refs = streams.flatMap((s) => [s.streamId, s.sequence]);
  return CONFIRM_STREAMS.run(redis, keys, args, refs);
}

const SETTLE_VERIFICATION = defineScript({
  name: 'mkSettleVerification',
  reply: replyOf<number>(),
  keys: ['streams'],
  args: { verdict: 'string', why: 'string' },
  /** Stream id and sequence, pair after pair. */
  rest: 'refs',
  fragments: [EACH_STORED_PUSH],
  body: `
return eachStoredPush(streams, refs, function(streamId, s)
  if s.verify ~= 'pending' then return false end
  s.verify = verdict
  if why ~= '' then s.unmixable = why end
  redis.call('HSET', streams, streamId, cjson.encode(s))
  return true
end)
`,
});

/** Settles pushes still awaiting verification (same sequence only): a newer push stays pending. */
export function runSettleVerification(
  redis: Client,
  keys: Pick<RoomKeys, 'streams'>,
  args: { verdict: string; why: string },
  streams: readonly { streamId: string; sequence: string }[],
): Promise<number> {
  const refs = streams.flatMap((s) => [s.streamId, s.sequence]);
  return SETTLE_VERIFICATION.run(redis, keys, args, refs);
}
