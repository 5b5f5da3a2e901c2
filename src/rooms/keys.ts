/**
 * Every Redis key mixkeeper keeps outside BullMQ (whose keys live under `{mk}`), in one namespace.
 * A room's keys share the hash tag `{room:<id>}`, so its scripts stay in one Cluster slot; the
 * namespace keys (the room index, the push origins, the marker, the layout templates) are the
 * only ones across rooms.
 */

export interface RoomKeys {
  /** Hash: version, status, epoch, timings, last error (`RoomMeta`). */
  meta: string;
  /** Hash: stream id → `StoredStream` JSON. */
  streams: string;
  /** String: the operator's `RoomConfig`. */
  config: string;
  /** String: the `AppliedMix`. */
  applied: string;
  /** List: audit entries, newest first, capped. */
  audit: string;
  /** List: what changed since the last request (`push <stream> <sequence>`, `config`, …). */
  causes: string;
  /** String with a TTL: an operator's temporary layout. */
  override: string;
  /** String with a TTL: the running reconcile's token. */
  lease: string;
  /** Sorted set with a TTL: latest push event time per stream, for the retry window. */
  latestPush: string;
  /** Sorted set with a TTL: `<sequence> <stream>` of disconnects seen → when they lapse. */
  tombstones: string;
  /** Hash with a TTL: webhook endpoint id → the last event id put in its outbox (a change raised twice goes once). */
  webhookLast: string;
  /** Hash: webhook endpoint id → `<event id> <attempts>` of the head of its outbox. */
  webhookTries: string;
}

export interface KeyMap {
  namespace: string;
  /** Sorted set: room id → last activity (ms). The listing and the resync walk it. */
  index: string;
  /** Sorted set: `<domain>/<AppName>` seen in push callbacks → when last seen (src/rooms/push-origins.ts). */
  pushOrigins: string;
  /** Set: what `pushOrigins` was before it expired its members; moved into it at start-up, then deleted. */
  legacyPushOrigins: string;
  /** String: set at a worker's first start on this Redis; its absence means the data was lost. */
  marker: string;
  /** Hash: layout template name → `StoredLayout` JSON (src/rooms/layout-store.ts). */
  layouts: string;
  room(roomId: string): RoomKeys;
  /** List: the room's webhook events waiting for one endpoint, oldest first (same hash tag as the room). */
  webhookOutbox(roomId: string, endpointId: string): string;
  /** Hash: webhook endpoint id → its JSON, for endpoints added through the rooms API. */
  webhookEndpoints: string;
  /** Hash: one endpoint's delivery health (consecutive failures, paused until, last answer). */
  webhookHealth(endpointId: string): string;
  /** Sorted set: `<endpoint id> <room id>` whose outbox has events → when first seen so. */
  webhookPending: string;
  /** SCAN pattern matching every room's meta key, and the room id in such a key. */
  metaPattern: string;
  roomIdOfMetaKey(key: string): string | undefined;
}

export function keyMap(namespace = 'mk'): KeyMap {
  return {
    namespace,
    index: `${namespace}:rooms`,
    pushOrigins: `${namespace}:push-origins-seen`,
    legacyPushOrigins: `${namespace}:push-origins`,
    marker: `${namespace}:marker`,
    layouts: `${namespace}:layouts`,
    room(roomId) {
      const base = `${namespace}:{room:${roomId}}`;
      return {
        meta: `${base}:meta`,
        streams: `${base}:streams`,
        config: `${base}:config`,
        applied: `${base}:applied`,
        audit: `${base}:audit`,
        causes: `${base}:causes`,
        override: `${base}:override`,
        lease: `${base}:lease`,
        latestPush: `${base}:latest-push`,
        tombstones: `${base}:tombs`,
        webhookLast: `${base}:hook-last`,
        webhookTries: `${base}:hook-tries`,
      };
    },
    webhookOutbox: (roomId, endpointId) => `${namespace}:{room:${roomId}}:hooks:${endpointId}`,
    webhookEndpoints: `${namespace}:webhook-endpoints`,
    webhookHealth: (endpointId) => `${namespace}:webhook-health:${endpointId}`,
    webhookPending: `${namespace}:webhook-pending`,
    metaPattern: `${namespace}:{room:*}:meta`,
    roomIdOfMetaKey: (key) => /\{room:([^}]*)\}:meta$/.exec(key)?.[1],
  };
}
