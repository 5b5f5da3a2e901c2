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
}

export class RoomStore {
  readonly keys: KeyMap;
  readonly auditCap: number;
  readonly tombstoneTtlMs: number;
  readonly fileLayouts: ReadonlyMap<string, LayoutTemplate>;

  constructor(
    readonly redis: Redis | Cluster,
    {
      namespace = 'mk',
      auditCap = 12,
      tombstoneTtlMs = 20 * 60_000,
      fileLayouts = new Map(),
    }: RoomStoreOptions = {},
  ) {
    this.keys = keyMap(namespace);
    this.auditCap = auditCap;
    this.tombstoneTtlMs = tombstoneTtlMs;
    this.fileLayouts = fileLayouts;
  }

  get namespace(): string {
    return this.keys.namespace;
  }
}
