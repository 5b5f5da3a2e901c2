import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { RoomConfig } from '../layout/plan.js';
import type { Membership } from './membership.js';
import { parseRoomConfig } from './room-config.js';
import { parseStoredOverride, type RoomOverride } from './room-override.js';
import {
  APPLY_OBSERVATION,
  CONFIRM_STREAMS,
  FORGET_ROOM,
  OPERATOR_CHANGE,
  PRUNE_DEPARTED,
  READ_ROOM,
  RELEASE_LEASE,
  WRITE_ROOM,
} from './scripts.js';
import {
  type AppliedMix,
  type AuditEntry,
  appliedMixSchema,
  type LastError,
  lastErrorSchema,
  type RoomMeta,
  type RoomStatus,
  type StoredStream,
  storedStreamSchema,
} from './stored.js';

/**
 * Room state in Redis. All of a room's keys share the hash tag `{room:<id>}` so its scripts and
 * transactions stay in one Cluster slot; the room index is the only cross-room key.
 */

export interface RoomStoreOptions {
  /** Key namespace; tests use their own. Default `mk`. */
  namespace?: string;
  /** Audit entries kept per room. */
  auditCap?: number;
  /** How long a disconnect's tombstone blocks its late push: beyond Tencent's 12 retries a minute apart. */
  tombstoneTtlMs?: number;
}

export interface Observation {
  kind: 'push' | 'disconnect';
  streamId: string;
  sequence: string;
  eventTimeMs: number;
  receivedAt: number;
  width: number;
  height: number;
  membership: Membership;
  unmixable?: string;
  /** A push's origin key (`domain/appname`), when its callback named a well-formed one. */
  origin?: string;
}

export type ObservationOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown';

/** Everything a reconcile needs, read in one round trip. */
export interface RoomState {
  roomId: string;
  meta: RoomMeta;
  /** Operator config (API); `undefined` when none was set. */
  config: RoomConfig | undefined;
  streams: StoredStream[];
  applied: AppliedMix | null;
  /** Callbacks applied since the last request: `push <stream> <sequence>`. */
  causes: string[];
  /** An operator's temporary layout, when one was set (it may have expired: see `activeOverride`). */
  override?: RoomOverride;
}

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

export interface RoomUpdate {
  status?: RoomStatus;
  epoch?: number;
  /** `null` clears it. */
  lastError?: LastError | null;
  failedVersion?: number | null;
  lastStartRequestAt?: number;
  lastCancel?: { sessionId: string; at: number };
  /** `null` deletes the applied mix (after a cancel). */
  applied?: AppliedMix | null;
  audit?: AuditEntry[];
  /** How many causes (the oldest) a request has reported: they are dropped, later ones kept. */
  causesReported?: number;
}

/** A reconcile's hold on a room (see `readLeased`). */
export interface RoomLease {
  readonly token: string;
  released: boolean;
  release(): Promise<void>;
}

export class RoomStore {
  readonly namespace: string;
  private readonly auditCap: number;
  private readonly tombstoneTtlMs: number;

  constructor(
    private readonly redis: Redis | Cluster,
    options: RoomStoreOptions = {},
  ) {
    this.namespace = options.namespace ?? 'mk';
    this.auditCap = options.auditCap ?? 12;
    this.tombstoneTtlMs = options.tombstoneTtlMs ?? 20 * 60_000;
  }

  keys(roomId: string) {
    const base = `${this.namespace}:{room:${roomId}}`;
    return {
      meta: `${base}:meta`,
      streams: `${base}:streams`,
      config: `${base}:config`,
      applied: `${base}:applied`,
      audit: `${base}:audit`,
      causes: `${base}:causes`,
      override: `${base}:override`,
      lease: `${base}:lease`,
      /** Latest push event time per stream, for the retry window; expires by itself. */
      latestPush: `${base}:latest-push`,
      tombstones: `${base}:tombs`,
    };
  }

  /** Rooms by last activity; the listing and the resync walk it. */
  get indexKey(): string {
    return `${this.namespace}:rooms`;
  }

  async applyObservation(
    obs: Observation,
    nowMs: number,
  ): Promise<{ outcome: ObservationOutcome; version: number }> {
    const { roomId } = obs.membership;
    const record: StoredStream = {
      streamId: obs.streamId,
      sequence: obs.sequence,
      role: obs.membership.role,
      media: obs.membership.media,
      pushedAt: obs.receivedAt,
      eventTimeMs: obs.eventTimeMs,
      width: obs.width,
      height: obs.height,
      ...(obs.unmixable ? { unmixable: obs.unmixable } : {}),
      ...(obs.origin ? { origin: obs.origin } : {}),
    };
    const audit = {
      at: nowMs,
      type: 'callback',
      kind: obs.kind,
      stream: obs.streamId,
      seq: obs.sequence,
      ...(obs.membership.notes.length ? { notes: obs.membership.notes.join('; ') } : {}),
      ...(obs.unmixable ? { unmixable: obs.unmixable } : {}),
    };
    // Index first: an index entry without state is harmless, state without an entry is invisible.
    await this.redis.zadd(this.indexKey, nowMs, roomId);
    return this.observe(
      roomId,
      obs,
      JSON.stringify(record),
      obs.kind === 'push' ? obs.membership.preset : '',
      audit,
      nowMs,
    );
  }

  /** Runs APPLY_OBSERVATION: one push or disconnect, with its audit entry, atomically. */
  private async observe(
    roomId: string,
    obs: Pick<Observation, 'kind' | 'streamId' | 'sequence' | 'eventTimeMs'>,
    record: string,
    preset: string | undefined,
    audit: object,
    nowMs: number,
  ): Promise<{ outcome: ObservationOutcome; version: number }> {
    const k = this.keys(roomId);
    const [outcome, version] = (await APPLY_OBSERVATION.run(
      this.redis,
      [k.streams, k.meta, k.tombstones, k.audit, k.causes, k.latestPush],
      [
        obs.kind,
        obs.streamId,
        obs.sequence,
        obs.eventTimeMs,
        record,
        nowMs,
        this.tombstoneTtlMs,
        preset ?? '',
        this.auditCap,
        JSON.stringify(audit),
      ],
    )) as [ObservationOutcome, number];
    return { outcome, version: Number(version) };
  }

  async read(roomId: string): Promise<RoomState | null> {
    const found = await this.readRaw(roomId, '', 0);
    return found && 'heldForMs' in found ? null : found;
  }

  /**
   * Takes the room's lease and reads the room in one command: a reconcile's whole read side. Beside
   * BullMQ's one-active-per-room deduplication, the lease covers a job put back in the queue while
   * its request may still be in flight (released at shutdown): the next run waits until the lease
   * ends. It does not fence a run frozen longer than the lease (a stalled job run again): that
   * run's late write is not refused, and the next reconcile corrects what it overwrote. Returns `{ heldForMs }` (how long the lease has left) when another reconcile
   * has the room, else the state (null: no such room) and the lease, which `update` can release in
   * the same command as its writes.
   */
  async readLeased(
    roomId: string,
    ttlMs: number,
  ): Promise<{ heldForMs: number } | { state: RoomState | null; lease: RoomLease }> {
    const token = randomUUID();
    const found = await this.readRaw(roomId, token, ttlMs);
    if (found && 'heldForMs' in found) return found;
    const key = this.keys(roomId).lease;
    const lease: RoomLease = {
      token,
      released: false,
      release: async () => {
        if (lease.released) return;
        lease.released = true;
        await RELEASE_LEASE.run(this.redis, [key], [token]);
      },
    };
    return { state: found, lease };
  }

  private async readRaw(
    roomId: string,
    leaseToken: string,
    ttlMs: number,
  ): Promise<RoomState | null | { heldForMs: number }> {
    const k = this.keys(roomId);
    const reply = (await READ_ROOM.run(
      this.redis,
      [k.meta, k.streams, k.config, k.applied, k.causes, k.override, k.lease],
      [leaseToken, ttlMs],
    )) as [number, string[], string[], string | null, string | null, string[], string | null];
    if (reply[0] === 0) return { heldForMs: Math.max(0, Number(reply[1])) };
    const metaHash = pairs(reply[1]);
    const streamHash = pairs(reply[2]);
    const configRaw = reply[3];
    const appliedRaw = reply[4];
    const overrideRaw = reply[6];
    if (
      Object.keys(metaHash).length === 0 &&
      Object.keys(streamHash).length === 0 &&
      !configRaw &&
      !appliedRaw
    ) {
      return null;
    }
    return {
      roomId,
      meta: parseMeta(metaHash),
      config: configRaw ? parseRoomConfig(JSON.parse(configRaw)) : undefined,
      streams: Object.values(streamHash)
        .map((raw) => storedStreamSchema.parse(JSON.parse(raw)))
        .sort((a, b) => a.pushedAt - b.pushedAt || a.streamId.localeCompare(b.streamId)),
      applied: appliedRaw ? appliedMixSchema.parse(JSON.parse(appliedRaw)) : null,
      causes: reply[5],
      ...(overrideRaw ? { override: parseStoredOverride(JSON.parse(overrideRaw)) } : {}),
    };
  }

  /**
   * A page of rooms, most recently active first. The cursor is the last room's (activity, id), so
   * a room that becomes active while an operator pages moves to the front instead of shifting
   * every later page.
   */
  async listRooms(options: ListRoomsOptions): Promise<RoomPage> {
    const { after, status, limit } = options;
    const scanLimit = options.scanLimit ?? 2000;
    const batch = Math.max(limit, 50);
    const found: RoomCursor[] = [];
    let offset = 0;
    let scanned = 0;
    let last: RoomCursor | undefined;
    let exhausted = false;
    while (found.length < limit && scanned < scanLimit) {
      const raw = await this.redis.zrevrangebyscore(
        this.indexKey,
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
      const matches = status ? await this.withStatus(candidates, status) : candidates.map(() => true);
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
    const states = await Promise.all(found.map((entry) => this.read(entry.roomId)));
    const rooms = found.flatMap((entry, i) => {
      const state = states[i];
      return state ? [{ state, activeAt: entry.activeAt }] : [];
    });
    return last ? { rooms, next: last } : { rooms };
  }

  private async withStatus(entries: RoomCursor[], status: RoomStatus | 'deleting'): Promise<boolean[]> {
    if (entries.length === 0) return [];
    // Concurrent commands rather than one pipeline: on Redis Cluster a pipeline must stay in one
    // slot, and these rooms hash to many. All are in flight at once either way.
    const results = await Promise.all(
      entries.map((entry) => this.redis.hmget(this.keys(entry.roomId).meta, 'status', 'deleting')),
    );
    return results.map(([stored, deleting]) =>
      status === 'deleting' ? deleting != null : (stored ?? 'idle') === status,
    );
  }

  /** Replaces the operator config (`PUT /v1/rooms/:id`); creates the room if need be. Returns the new version. */
  async setConfig(roomId: string, config: RoomConfig, nowMs: number): Promise<number> {
    await this.redis.zadd(this.indexKey, nowMs, roomId);
    const k = this.keys(roomId);
    return this.operatorChange(roomId, 'set', k.config, JSON.stringify(config), 0, nowMs, 'config', {
      type: 'config',
      config,
    });
  }

  /** Lays `override.config` over the room's config until `override.until`. Returns the new version. */
  async setOverride(roomId: string, override: RoomOverride, nowMs: number): Promise<number> {
    const k = this.keys(roomId);
    // The key outlives `until` a little: readers compare `until`, the TTL only cleans up.
    const ttlMs = Math.max(1, override.until - nowMs) + 60_000;
    return this.operatorChange(
      roomId,
      'set',
      k.override,
      JSON.stringify(override),
      ttlMs,
      nowMs,
      'override',
      {
        type: 'operator',
        action: 'override',
        config: override.config,
        until: override.until,
      },
    );
  }

  /** Ends an override early. Returns the new version. */
  async clearOverride(roomId: string, nowMs: number): Promise<number> {
    const k = this.keys(roomId);
    return this.operatorChange(roomId, 'del', k.override, '', 0, nowMs, 'override ended', {
      type: 'operator',
      action: 'override-ended',
    });
  }

  /** Marks the room for deletion: its reconcile cancels any mix, then `forget`s it. Returns the new version. */
  async markDeleting(roomId: string, nowMs: number): Promise<number> {
    const k = this.keys(roomId);
    return this.operatorChange(roomId, 'deleting', k.meta, '', 0, nowMs, 'delete', {
      type: 'operator',
      action: 'delete',
    });
  }

  /**
   * Removes every key of a room marked for deletion, and its index entry, if it is still at
   * `version` with no mix applied. Returns false (and keeps the room) otherwise.
   */
  async forget(roomId: string, version: number, nowMs: number): Promise<boolean> {
    const k = this.keys(roomId);
    // Index out first: a callback re-creating the room meanwhile re-adds it (it indexes before it writes).
    await this.redis.zrem(this.indexKey, roomId);
    // Every key of the room but those that expire by themselves and guard against late callbacks
    // (tombstones, latest pushes) or belong to the running reconcile (its lease).
    const rest = Object.entries(k)
      .filter(([name]) => !SELF_EXPIRING_KEYS.has(name))
      .map(([, key]) => key)
      .filter((key) => key !== k.meta && key !== k.applied);
    const forgotten = Number(await FORGET_ROOM.run(this.redis, [k.meta, k.applied, ...rest], [version]));
    if (forgotten === 1) return true;
    await this.redis.zadd(this.indexKey, 'NX', nowMs, roomId);
    return false;
  }

  private async operatorChange(
    roomId: string,
    mutation: 'set' | 'del' | 'deleting',
    key: string,
    value: string,
    ttlMs: number,
    nowMs: number,
    cause: string,
    audit: Omit<AuditEntry, 'at' | 'v'>,
  ): Promise<number> {
    const k = this.keys(roomId);
    const version = await OPERATOR_CHANGE.run(
      this.redis,
      [k.meta, k.audit, k.causes, key],
      [
        mutation,
        value,
        Math.round(ttlMs),
        nowMs,
        this.auditCap,
        JSON.stringify({ at: nowMs, ...audit }),
        cause,
      ],
    );
    return Number(version);
  }

  /** Writes the outcome of a reconcile in one command, releasing the reconcile's lease when given. */
  async update(roomId: string, update: RoomUpdate, nowMs: number, lease?: RoomLease): Promise<void> {
    const k = this.keys(roomId);
    const set: string[] = ['updatedAt', String(nowMs)];
    const del: string[] = [];
    const put = (field: string, value: string | number) => set.push(field, String(value));
    if (update.status !== undefined) put('status', update.status);
    if (update.epoch !== undefined) put('epoch', update.epoch);
    if (update.lastStartRequestAt !== undefined) put('lastStartRequestAt', update.lastStartRequestAt);
    if (update.lastCancel !== undefined) put('lastCancel', JSON.stringify(update.lastCancel));
    if (update.lastError === null) del.push('lastError');
    else if (update.lastError !== undefined) put('lastError', JSON.stringify(update.lastError));
    if (update.failedVersion === null) del.push('failedVersion');
    else if (update.failedVersion !== undefined) put('failedVersion', update.failedVersion);
    const applied =
      update.applied === undefined ? '' : update.applied === null ? '-' : JSON.stringify(update.applied);
    const releasing = lease && !lease.released ? lease.token : '';
    await WRITE_ROOM.run(
      this.redis,
      [k.meta, k.applied, k.audit, k.causes, k.lease],
      [
        JSON.stringify(set),
        JSON.stringify(del),
        applied,
        this.auditCap,
        update.causesReported ?? 0,
        releasing,
        ...(update.audit ?? []).map((entry) => JSON.stringify(entry)),
      ],
    );
    if (releasing && lease) lease.released = true;
  }

  async version(roomId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys(roomId).meta, 'version')) ?? 0);
  }

  /** Removes streams whose leave grace has passed; returns how many. */
  async pruneDeparted(roomId: string, nowMs: number, graceMs: number): Promise<number> {
    return Number(await PRUNE_DEPARTED.run(this.redis, [this.keys(roomId).streams], [nowMs, graceMs]));
  }

  /** One page of the room index, in no particular order (ZSCAN: a room indexed throughout is seen at least once). */
  async scanRoomIds(cursor: string, count: number): Promise<{ cursor: string; roomIds: string[] }> {
    const [next, flat] = await this.redis.zscan(this.indexKey, cursor, 'COUNT', count);
    return { cursor: next, roomIds: flat.filter((_, i) => i % 2 === 0) };
  }

  /**
   * Ends a stream's push as its lost disconnect would have (same sequence only, tombstoned, version
   * bumped, audited as `resync`), when the resync finds it silent or unlisted by the platform.
   */
  async expireStream(
    roomId: string,
    stream: { streamId: string; sequence: string },
    reason: string,
    nowMs: number,
  ): Promise<{ outcome: ObservationOutcome; version: number }> {
    const audit = {
      at: nowMs,
      type: 'resync',
      action: 'expire',
      stream: stream.streamId,
      seq: stream.sequence,
      reason,
    };
    const disconnect = { kind: 'disconnect', ...stream, eventTimeMs: 0 } as const;
    return this.observe(roomId, disconnect, '', '', audit, nowMs);
  }

  /** Marks streams as seen live by the platform now (same sequence, not leaving); returns how many. */
  async confirmStreams(
    roomId: string,
    streams: { streamId: string; sequence: string }[],
    nowMs: number,
  ): Promise<number> {
    if (!streams.length) return 0;
    const args = streams.flatMap((s) => [s.streamId, s.sequence]);
    return Number(await CONFIRM_STREAMS.run(this.redis, [this.keys(roomId).streams], [nowMs, ...args]));
  }

  /**
   * Puts every room that has state back into the index (after the index was lost while room keys
   * survived). Scans each primary on a Cluster. Returns how many were missing.
   */
  async reindex(nowMs: number): Promise<number> {
    const nodes = this.redis.isCluster ? (this.redis as Cluster).nodes('master') : [this.redis as Redis];
    const pattern = `${this.namespace}:{room:*}:meta`;
    let added = 0;
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        const roomIds = keys.flatMap((key) => /\{room:([^}]*)\}:meta$/.exec(key)?.[1] ?? []);
        for (const roomId of roomIds) added += await this.redis.zadd(this.indexKey, 'NX', nowMs, roomId);
      } while (cursor !== '0');
    }
    return added;
  }

  async audit(roomId: string, limit = 100): Promise<AuditEntry[]> {
    const raw = await this.redis.lrange(this.keys(roomId).audit, 0, limit - 1);
    return raw.map((line) => JSON.parse(line) as AuditEntry);
  }
}

const SELF_EXPIRING_KEYS: ReadonlySet<string> = new Set(['lease', 'latestPush', 'tombstones']);

/** A flat HGETALL reply from Lua, as an object. */
function pairs(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

function parseMeta(hash: Record<string, string>): RoomMeta {
  const meta: RoomMeta = {
    version: Number(hash.version ?? 0),
    status: (hash.status as RoomStatus | undefined) ?? 'idle',
    epoch: Number(hash.epoch ?? 0),
  };
  if (hash.pushPreset) meta.pushPreset = hash.pushPreset;
  if (hash.lastError) meta.lastError = lastErrorSchema.parse(JSON.parse(hash.lastError));
  if (hash.failedVersion) meta.failedVersion = Number(hash.failedVersion);
  if (hash.lastStartRequestAt) meta.lastStartRequestAt = Number(hash.lastStartRequestAt);
  if (hash.lastCancel) meta.lastCancel = JSON.parse(hash.lastCancel) as { sessionId: string; at: number };
  if (hash.updatedAt) meta.updatedAt = Number(hash.updatedAt);
  if (hash.deleting) meta.deleting = Number(hash.deleting);
  return meta;
}
