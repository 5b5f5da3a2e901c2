import type { Cluster, Redis } from 'ioredis';
import type { RoomKeys } from '../keys.js';
import { defineScript, replyOf } from './define.js';
import { AUDIT } from './fragments.js';

/** A reconcile's two round trips: the room read under its lease, and its outcome written. */

type Client = Redis | Cluster;

const READ_ROOM = defineScript({
  name: 'mkReadRoom',
  reply: replyOf<ReadRoomReply>(),
  keys: ['meta', 'streams', 'config', 'applied', 'causes', 'override', 'lease'],
  args: { leaseToken: 'string', leaseTtl: 'number' },
  body: `
if leaseToken ~= '' and not redis.call('SET', lease, leaseToken, 'PX', leaseTtl, 'NX') then
  return {0, redis.call('PTTL', lease)}
end
return {
  1,
  redis.call('HGETALL', meta),
  redis.call('HGETALL', streams),
  redis.call('GET', config),
  redis.call('GET', applied),
  redis.call('LRANGE', causes, 0, -1),
  redis.call('GET', override),
}
`,
});

/** A room's keys as READ_ROOM returns them: hashes as flat field/value lists, absent strings as null. */
export interface RawRoom {
  meta: string[];
  streams: string[];
  config: string | null;
  applied: string | null;
  causes: string[];
  override: string | null;
}

type ReadRoomReply =
  | [held: 0, leaseMsLeft: number]
  | [
      read: 1,
      meta: string[],
      streams: string[],
      config: string | null,
      applied: string | null,
      causes: string[],
      override: string | null,
    ];

/**
 * Reads a room in one command, first taking its lease when a token is given (a reconcile): one
 * round trip instead of a lease SET plus a MULTI of six reads. `{ heldForMs }` when another holder
 * has the lease.
 */
export async function runReadRoom(
  redis: Client,
  keys: Pick<RoomKeys, 'meta' | 'streams' | 'config' | 'applied' | 'causes' | 'override' | 'lease'>,
  args: { leaseToken: string; leaseTtl: number },
): Promise<RawRoom | { heldForMs: number }> {
  const reply = await READ_ROOM.run(redis, keys, args);
  if (reply[0] === 0) return { heldForMs: Math.max(0, reply[1]) };
  const [, meta, streams, config, applied, causes, override] = reply;
  return { meta, streams, config, applied, causes, override };
}

const WRITE_ROOM = defineScript({
  name: 'mkWriteRoom',
  reply: replyOf<number>(),
  keys: ['meta', 'applied', 'audit', 'causes', 'lease'],
  args: {
    /** JSON array: field, value, … to set. */
    metaSet: 'string',
    /** JSON array: fields to delete. */
    metaDel: 'string',
    /** '' keeps it, '-' deletes it, else its JSON. */
    appliedMix: 'string',
    auditCap: 'number',
    /** The oldest n causes, reported by the request: dropped; causes added since the read stay. */
    causesReported: 'number',
    /** '' keeps the lease. */
    leaseToken: 'string',
  },
  /** Audit lines, newest last. */
  rest: 'entries',
  fragments: [AUDIT],
  body: `
local set, del = cjson.decode(metaSet), cjson.decode(metaDel)
if #set > 0 then redis.call('HSET', meta, unpack(set)) end
if #del > 0 then redis.call('HDEL', meta, unpack(del)) end
if appliedMix == '-' then redis.call('DEL', applied) elseif appliedMix ~= '' then redis.call('SET', applied, appliedMix) end
pushAudit(audit, auditCap, entries)
if causesReported > 0 then redis.call('LTRIM', causes, causesReported, -1) end
if leaseToken ~= '' and redis.call('GET', lease) == leaseToken then redis.call('DEL', lease) end
return 1
`,
});

export interface WriteRoomArgs {
  metaSet: string;
  metaDel: string;
  appliedMix: string;
  auditCap: number;
  causesReported: number;
  leaseToken: string;
}

/** Writes a reconcile's outcome in one command, and releases its lease when a token is given. */
export async function runWriteRoom(
  redis: Client,
  keys: Pick<RoomKeys, 'meta' | 'applied' | 'audit' | 'causes' | 'lease'>,
  args: WriteRoomArgs,
  entries: readonly string[],
): Promise<void> {
  await WRITE_ROOM.run(redis, keys, args, entries);
}

const RELEASE_LEASE = defineScript({
  name: 'mkReleaseLease',
  reply: replyOf<number>(),
  keys: ['lease'],
  args: { token: 'string' },
  body: `
if redis.call('GET', lease) == token then return redis.call('DEL', lease) end
return 0
`,
});

/** Releases a lease only if this holder still owns it. */
export async function runReleaseLease(
  redis: Client,
  keys: Pick<RoomKeys, 'lease'>,
  args: { token: string },
): Promise<void> {
  await RELEASE_LEASE.run(redis, keys, args);
}
