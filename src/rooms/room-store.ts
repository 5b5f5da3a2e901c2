import type { Cluster, Redis } from 'ioredis';
import type { LayoutTemplate } from '../layout/layout-template.js';
import { type KeyMap, keyMap } from './keys.js';

/**
 * What every room operation takes: the Redis client, the key map of one namespace and the room
 * limits. The operations are functions by concern, each in its own module: `observations.ts`
 * (callbacks and the resync's expiries), `room-state.ts` (reads), `lease.ts` and `room-update.ts`
 * (a reconcile's read and write), `operator-changes.ts`, `room-index.ts` (listing, resync scan,
 * re-indexing), `audit.ts` and `layout-store.ts` (layout templates).
 */

export interface RoomStoreOptions {
  /** Key namespace; tests use their own. Default `mk`. */
  namespace?: string;
  /** Audit entries kept per room. */
  auditCap?: number;
  /** How long a disconnect's tombstone blocks its late push: beyond Tencent's 12 retries a minute apart. */
  tombstoneTtlMs?: number;
  /** Layout templates from LAYOUTS_FILE: they win over stored copies of the same name. */
  fileLayouts?: ReadonlyMap<string, LayoutTemplate>;
  /** Streams a room keeps (ROOM_MAX_STREAMS): callbacks' bodies are not signed, so each is bounded. */
  maxStreams?: number;
  /** Rooms a callback may create (ROOMS_MAX); operators' changes are not held to it. */
  maxRooms?: number;
}

export class RoomStore {
  readonly keys: KeyMap;
  readonly auditCap: number;
  readonly tombstoneTtlMs: number;
  readonly fileLayouts: ReadonlyMap<string, LayoutTemplate>;
  readonly maxStreams: number;
  readonly maxRooms: number;

  constructor(
    readonly redis: Redis | Cluster,
    {
      namespace = 'mk',
      auditCap = 12,
      tombstoneTtlMs = 20 * 60_000,
      fileLayouts = new Map(),
      maxStreams = 64,
      maxRooms = 10_000,
    }: RoomStoreOptions = {},
  ) {
    this.keys = keyMap(namespace);
    this.auditCap = auditCap;
    this.tombstoneTtlMs = tombstoneTtlMs;
    this.fileLayouts = fileLayouts;
    this.maxStreams = maxStreams;
    this.maxRooms = maxRooms;
  }

  get namespace(): string {
    return this.keys.namespace;
  }
}
