import type { LayoutTemplate } from '../layout/layout-template.js';
import type { RoomConfig } from '../layout/plan.js';
import { layoutsForRoom } from './layout-store.js';
import { parseRoomConfig } from './room-config.js';
import { parseStoredOverride, type RoomOverride } from './room-override.js';
import type { RoomStore } from './room-store.js';
import { type RawRoom, runReadRoom } from './scripts/room-io.js';
import {
  type AppliedMix,
  appliedMixSchema,
  lastErrorSchema,
  ROOM_STATUSES,
  type RoomMeta,
  type RoomStatus,
  type StoredStream,
  storedStreamSchema,
} from './stored.js';

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
  /** The layout templates its config, override or main's push name, as in force when read. */
  layouts?: Record<string, LayoutTemplate>;
}

/** A room with no state yet: what a room id names before its first callback or config. */
export function emptyRoomState(roomId: string): RoomState {
  return {
    roomId,
    meta: { version: 0, status: 'idle', epoch: 0 },
    config: undefined,
    streams: [],
    applied: null,
    causes: [],
  };
}

/** The room as stored now; null when it has no state. */
export async function readRoom(store: RoomStore, roomId: string): Promise<RoomState | null> {
  const raw = await runReadRoom(store.redis, store.keys.room(roomId), { leaseToken: '', leaseTtl: 0 });
  const state = 'heldForMs' in raw ? null : parseRoom(roomId, raw);
  return state && withLayouts(store, state);
}

/** The state with the layout templates it names (a second read, only for rooms that name one). */
export async function withLayouts(store: RoomStore, state: RoomState): Promise<RoomState> {
  const layouts = await layoutsForRoom(store, state);
  return Object.keys(layouts).length ? { ...state, layouts } : state;
}

export async function roomVersion(store: RoomStore, roomId: string): Promise<number> {
  return Number((await store.redis.hget(store.keys.room(roomId).meta, 'version')) ?? 0);
}

/** A room's keys as read in one command, parsed; null when none holds anything. */
export function parseRoom(roomId: string, raw: RawRoom): RoomState | null {
  const metaHash = pairs(raw.meta);
  const streamHash = pairs(raw.streams);
  if (
    Object.keys(metaHash).length === 0 &&
    Object.keys(streamHash).length === 0 &&
    !raw.config &&
    !raw.applied
  ) {
    return null;
  }
  return {
    roomId,
    meta: parseMeta(metaHash),
    config: raw.config ? parseRoomConfig(JSON.parse(raw.config)) : undefined,
    streams: Object.values(streamHash)
      .map((json) => storedStreamSchema.parse(JSON.parse(json)))
      .sort((a, b) => a.pushedAt - b.pushedAt || a.streamId.localeCompare(b.streamId)),
    applied: raw.applied ? appliedMixSchema.parse(JSON.parse(raw.applied)) : null,
    causes: raw.causes,
    ...(raw.override ? { override: parseStoredOverride(JSON.parse(raw.override)) } : {}),
  };
}

/** The meta fields a room's status is read from: the listing fetches just these. */
export const STATUS_FIELDS = ['status', 'deleting'] as const;

/**
 * A room's status as stored: written by its reconcile (the outcome of its last decision), `idle`
 * before the first, or `deleting` while an operator's deletion is under way. The one reading of
 * those fields, for a full read and the listing's filter alike.
 */
export function storedStatus(fields: {
  status?: string | null | undefined;
  deleting?: string | null | undefined;
}): { status: RoomStatus; deleting: boolean } {
  const status = ROOM_STATUSES.find((known) => known === fields.status) ?? 'idle';
  return { status, deleting: fields.deleting != null };
}

/** A flat HGETALL reply from Lua, as an object. */
function pairs(flat: string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
  return hash;
}

function parseMeta(hash: Record<string, string>): RoomMeta {
  const meta: RoomMeta = {
    version: Number(hash.version ?? 0),
    status: storedStatus(hash).status,
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
