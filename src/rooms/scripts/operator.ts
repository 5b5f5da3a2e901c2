import type { Cluster, Redis } from 'ioredis';
import type { RoomKeys } from '../keys.js';
import { defineScript, replyOf } from './define.js';
import { AUDIT, BUMP_VERSION } from './fragments.js';

/** Scripts for an operator's changes to a room, and for forgetting a deleted one. */

type Client = Redis | Cluster;

const OPERATOR_CHANGE = defineScript({
  name: 'mkOperatorChange',
  reply: replyOf<number>(),
  keys: ['meta', 'audit', 'causes', 'target'],
  args: {
    /** set: `value` into `target` (with `ttl` ms when > 0); del: delete `target`; deleting: mark the room. */
    mutation: 'string',
    value: 'string',
    ttl: 'number',
    now: 'number',
    auditCap: 'number',
    /** Its audit entry's type and fields (src/rooms/audit.ts). */
    auditType: 'string',
    auditFields: 'string',
    /** What the next request will report as its cause. */
    cause: 'string',
  },
  fragments: [BUMP_VERSION, AUDIT],
  body: `
if mutation == 'set' then
  if ttl > 0 then
    redis.call('SET', target, value, 'PX', ttl)
  else
    redis.call('SET', target, value)
  end
elseif mutation == 'del' then
  redis.call('DEL', target)
elseif mutation == 'deleting' then
  redis.call('HSET', meta, 'deleting', now)
end
local version = bumpVersion(meta, causes, now, cause)
pushAudit(audit, auditCap, { auditLine(now, version, auditType, {}, auditFields) })
return version
`,
});

/** The room key an operator's change sets or deletes (`deleting` marks `meta`). */
export type OperatorTarget = 'config' | 'override' | 'meta';

export interface OperatorChangeArgs {
  mutation: 'set' | 'del' | 'deleting';
  value: string;
  ttl: number;
  now: number;
  auditCap: number;
  auditType: 'config' | 'operator';
  auditFields: string;
  cause: string;
}

/**
 * An operator's change to a room (config, override, deletion): applies it, bumps the version so
 * the reconcile (and a room failed at the old version) looks again, and logs it. Returns the new version.
 */
export function runOperatorChange(
  redis: Client,
  keys: Pick<RoomKeys, 'meta' | 'audit' | 'causes' | OperatorTarget>,
  target: OperatorTarget,
  args: OperatorChangeArgs,
): Promise<number> {
  return OPERATOR_CHANGE.run(redis, { ...keys, target: keys[target] }, args);
}

/** Every key of a room (src/rooms/keys.ts), in the order the forget script takes them. */
const ROOM_KEYS = [
  'meta',
  'applied',
  'streams',
  'config',
  'audit',
  'causes',
  'override',
  'lease',
  'latestPush',
  'tombstones',
  'webhookLast',
  'webhookTries',
] as const satisfies readonly (keyof RoomKeys)[];

const FORGET_ROOM = defineScript({
  name: 'mkForgetRoom',
  reply: replyOf<number>(),
  keys: ROOM_KEYS,
  /** why: `deleted` (an operator's deletion, its mix cancelled) or `idle` (the resync: nothing there). */
  args: { version: 'string', why: 'string' },
  /** With `idle`: the room's webhook outboxes (same hash tag, so in its slot); any holding events keeps it. */
  rest: 'outboxes',
  body: `
if (redis.call('HGET', meta, 'version') or '0') ~= version then return 0 end
if why == 'deleted' then
  if redis.call('HEXISTS', meta, 'deleting') == 0 then return 0 end
  if redis.call('EXISTS', applied) == 1 then return 0 end
  redis.call('DEL', meta, applied, streams, config, audit, causes, override)
  return 1
end
-- idle: the conditions of src/reconcile/resync-plan.ts idleRoomForgettable, read again here
if redis.call('HEXISTS', meta, 'deleting') == 1 then return 0 end
local status = redis.call('HGET', meta, 'status')
if status and status ~= 'idle' then return 0 end
if redis.call('EXISTS', applied, streams, config, override, lease) > 0 then return 0 end
for _, outbox in ipairs(outboxes) do
  if redis.call('EXISTS', outbox) == 1 then return 0 end
end
redis.call('DEL', unpack(KEYS))
return 1
`,
});

/**
 * Forgets a room an operator deleted, once its reconcile saw nothing left to cancel: every key but
 * those that expire by themselves (tombstones and latest pushes, which still guard against late
 * callbacks, and the running reconcile's lease). Refuses (false) when the room changed since that
 * reconcile read it, is no longer marked for deletion, or has a mix again, so a callback racing
 * the deletion is never lost silently.
 */
export async function runForgetRoom(
  redis: Client,
  keys: Pick<RoomKeys, (typeof ROOM_KEYS)[number]>,
  args: { version: number },
): Promise<boolean> {
  const forgotten = await FORGET_ROOM.run(redis, keys, { version: String(args.version), why: 'deleted' });
  return forgotten === 1;
}

/**
 * Forgets an idle room, every key of it: refuses (false) when it changed since the caller read it
 * (`version`), is being deleted, has a status other than idle, a stream, a mix applied, an
 * operator's config or override, a running reconcile, or events in one of `outboxes`.
 */
export async function runForgetIdleRoom(
  redis: Client,
  keys: Pick<RoomKeys, (typeof ROOM_KEYS)[number]>,
  args: { version: number },
  outboxes: readonly string[],
): Promise<boolean> {
  const forgotten = await FORGET_ROOM.run(
    redis,
    keys,
    { version: String(args.version), why: 'idle' },
    outboxes,
  );
  return forgotten === 1;
}
