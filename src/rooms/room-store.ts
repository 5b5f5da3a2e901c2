import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RoomConfig } from '../layout/plan.js';
import type { Membership } from './membership.js';
import { parseRoomConfig } from './room-config.js';
import { APPLY_OBSERVATION, PRUNE_DEPARTED, RELEASE_LEASE } from './scripts.js';
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
  /** Forget the causes list: they have been reported with a request. */
  clearCauses?: boolean;
}

export class RoomStore {
  readonly namespace: string;
  private readonly auditCap: number;
  private readonly tombstoneTtlMs: number;

  constructor(
    private readonly redis: Redis,
    options: RoomStoreOptions = {},
  ) {
    this.namespace = options.namespace ?? 'mk';
    this.auditCap = options.auditCap ?? 32;
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
      lease: `${base}:lease`,
      tombstone: (streamId: string, sequence: string) =>
        `${base}:tomb:${createHash('sha1').update(streamId).digest('hex').slice(0, 16)}:${sequence}`,
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
    const k = this.keys(roomId);
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
    const [outcome, version] = (await APPLY_OBSERVATION.run(
      this.redis,
      [k.streams, k.meta, k.tombstone(obs.streamId, obs.sequence), k.audit, k.causes],
      [
        obs.kind,
        obs.streamId,
        obs.sequence,
        obs.eventTimeMs,
        JSON.stringify(record),
        nowMs,
        this.tombstoneTtlMs,
        obs.kind === 'push' ? (obs.membership.preset ?? '') : '',
        this.auditCap,
        JSON.stringify(audit),
      ],
    )) as [ObservationOutcome, number];
    return { outcome, version: Number(version) };
  }

  async read(roomId: string): Promise<RoomState | null> {
    const k = this.keys(roomId);
    const results = await this.redis
      .multi()
      .hgetall(k.meta)
      .hgetall(k.streams)
      .get(k.config)
      .get(k.applied)
      .lrange(k.causes, 0, -1)
      .exec();
    if (!results) throw new Error('room read aborted');
    const value = <T>(i: number): T => {
      const [error, result] = results[i] ?? [new Error('missing reply'), null];
      if (error) throw error;
      return result as T;
    };
    const metaHash = value<Record<string, string>>(0);
    const streamHash = value<Record<string, string>>(1);
    const configRaw = value<string | null>(2);
    const appliedRaw = value<string | null>(3);
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
      causes: value<string[]>(4),
    };
  }

  /** Writes the outcome of a reconcile in one transaction. */
  async update(roomId: string, update: RoomUpdate, nowMs: number): Promise<void> {
    const k = this.keys(roomId);
    const tx = this.redis.multi();
    const set: Record<string, string | number> = { updatedAt: nowMs };
    const del: string[] = [];
    if (update.status !== undefined) set.status = update.status;
    if (update.epoch !== undefined) set.epoch = update.epoch;
    if (update.lastStartRequestAt !== undefined) set.lastStartRequestAt = update.lastStartRequestAt;
    if (update.lastCancel !== undefined) set.lastCancel = JSON.stringify(update.lastCancel);
    if (update.lastError === null) del.push('lastError');
    else if (update.lastError !== undefined) set.lastError = JSON.stringify(update.lastError);
    if (update.failedVersion === null) del.push('failedVersion');
    else if (update.failedVersion !== undefined) set.failedVersion = update.failedVersion;
    tx.hset(k.meta, set);
    if (del.length) tx.hdel(k.meta, ...del);
    if (update.applied === null) tx.del(k.applied);
    else if (update.applied !== undefined) tx.set(k.applied, JSON.stringify(update.applied));
    if (update.audit?.length) {
      tx.lpush(k.audit, ...update.audit.map((entry) => JSON.stringify(entry)));
      tx.ltrim(k.audit, 0, this.auditCap - 1);
    }
    if (update.clearCauses) tx.del(k.causes);
    await tx.exec();
  }

  async version(roomId: string): Promise<number> {
    return Number((await this.redis.hget(this.keys(roomId).meta, 'version')) ?? 0);
  }

  /** Removes streams whose leave grace has passed; returns how many. */
  async pruneDeparted(roomId: string, nowMs: number, graceMs: number): Promise<number> {
    return Number(await PRUNE_DEPARTED.run(this.redis, [this.keys(roomId).streams], [nowMs, graceMs]));
  }

  async audit(roomId: string, limit = 100): Promise<AuditEntry[]> {
    const raw = await this.redis.lrange(this.keys(roomId).audit, 0, limit - 1);
    return raw.map((line) => JSON.parse(line) as AuditEntry);
  }

  /**
   * A per-room lease against the rare double run of a stalled reconcile job. Returns a release
   * function, or null when another holder has it.
   */
  async acquireLease(roomId: string, ttlMs: number): Promise<(() => Promise<void>) | null> {
    const key = this.keys(roomId).lease;
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', ttlMs, 'NX');
    if (ok !== 'OK') return null;
    return async () => {
      await RELEASE_LEASE.run(this.redis, [key], [token]);
    };
  }
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
  return meta;
}
