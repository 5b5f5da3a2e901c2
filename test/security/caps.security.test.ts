import { afterAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMetrics, type Metrics } from '../../src/metrics.js';
import { readAudit } from '../../src/rooms/audit.js';
import { PushOrigins } from '../../src/rooms/push-origins.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import type { LiveEvent } from '../../src/tencent/callback.js';
import { eventsHandler } from '../../workers/events.js';
import { captureLog } from '../support/log-capture.js';
import { deleteNamespace, useRedis } from '../support/redis.js';

/**
 * Issue 14 §2: a signed callback's body is not signed, so whoever holds one (t, sign) can name any
 * room and any stream. Streams per room, rooms and push origins are capped where it is atomic (the
 * room scripts, the index script): past a cap the event is refused, counted, logged with the reason
 * and put on the room's timeline — and Redis does not grow.
 */

const { redis, namespace } = useRedis();
const NOW = 1_800_000_000_000;
let n = 0;
const namespaces: string[] = [];
afterAll(async () => {
  for (const ns of namespaces) await deleteNamespace(redis, ns);
});

function event(roomId: string, streamId: string, kind: 'push' | 'disconnect' = 'push'): LiveEvent {
  n += 1;
  return {
    kind,
    streamId,
    sequence: String(n),
    eventTimeMs: NOW,
    receivedAt: NOW,
    domain: `d${n % 1000}.example.com`,
    appName: 'live',
    params: { mix_room: roomId },
    width: 0,
    height: 0,
    errcode: 0,
  };
}

function worker(options: { maxStreams?: number; maxRooms?: number; maxOrigins?: number } = {}) {
  const ns = `${namespace}${n}x`;
  namespaces.push(ns);
  const store = new RoomStore(redis, { namespace: ns, ...options });
  const metrics: Metrics = createMetrics();
  const captured = captureLog('info');
  const origins = new PushOrigins(redis, { namespace: ns, now: () => NOW, max: options.maxOrigins ?? 64 });
  const handle = eventsHandler({
    store,
    now: () => NOW,
    requestReconcile: async () => {},
    metrics,
    origins,
    log: captured.log,
  });
  const refused = async (cap: string) =>
    (await metrics.capsRefused.get()).values.find((v) => v.labels.cap === cap)?.value ?? 0;
  return { store, handle, refused, captured, origins };
}

async function keysOf(ns: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${ns}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

describe('caps on what forged callbacks can create', () => {
  test('1,500 streams pushed into one room: it keeps ROOM_MAX_STREAMS (64), refuses the rest, says why', async () => {
    const { store, handle, refused, captured } = worker({ maxStreams: loadConfig({}).ROOM_MAX_STREAMS });
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 1500; i++) {
      const { outcome } = await handle(event('big', `s${i}`), { rerun: false });
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ applied: 64, refused: 1436 });
    const keys = store.keys.room('big');
    expect(await redis.hlen(keys.streams)).toBe(64);
    expect(await redis.zcard(keys.latestPush)).toBe(64);
    expect(await refused('streams')).toBe(1436);
    // The room's timeline says why; the log says it once, not 1,436 times.
    const [latest] = await readAudit(store, 'big', 1);
    expect(JSON.stringify(latest)).toContain('ROOM_MAX_STREAMS');
    const warnings = captured.lines().filter((line) => line.cap === 'streams');
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain('ROOM_MAX_STREAMS');

    // A stream the room already keeps is still taken (a re-push), and disconnects still count.
    expect((await handle(event('big', 's3'), { rerun: false })).outcome).toBe('applied');
    expect((await handle(event('big', 's3', 'disconnect'), { rerun: false })).outcome).not.toBe('refused');
  });

  test('disconnects of streams never pushed are remembered up to the same cap only', async () => {
    const { store, handle } = worker({ maxStreams: 16 });
    for (let i = 0; i < 300; i++) await handle(event('tombs', `ghost${i}`, 'disconnect'), { rerun: false });
    expect(await redis.zcard(store.keys.room('tombs').tombstones)).toBe(16);
  });

  test('500 forged rooms past ROOMS_MAX (100): refused, counted, and no keys made for them', async () => {
    const { store, handle, refused } = worker({ maxRooms: 100 });
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const { outcome } = await handle(event(`room_${i}`, 'host'), { rerun: false });
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }
    expect(Object.fromEntries(outcomes)).toEqual({ applied: 100, refused: 400 });
    expect(await redis.zcard(store.keys.index)).toBe(100);
    expect(await readRoom(store, 'room_499')).toBeNull();
    // index + meta, streams, latest-push, audit, causes per kept room; none for the refused ones
    const roomKeys = (await keysOf(store.namespace)).filter((key) => key.includes('{room:'));
    expect(new Set(roomKeys.map((key) => /\{room:([^}]*)\}/.exec(key)?.[1])).size).toBe(100);
    expect(await refused('rooms')).toBe(400);
    // A room that exists keeps taking callbacks.
    expect((await handle(event('room_7', 'guest'), { rerun: false })).outcome).toBe('applied');
  });

  test('push origins learned from callbacks stop at PUSH_ORIGINS_MAX, counted', async () => {
    const { handle, refused, origins } = worker({ maxOrigins: 8 });
    for (let i = 0; i < 40; i++) await handle(event('origins', `o${i}`), { rerun: false });
    expect(await origins.list()).toHaveLength(8);
    expect(await refused('push_origins')).toBe(32);
  });

  test('the caps have defaults and are settings', () => {
    expect(loadConfig({})).toMatchObject({ ROOM_MAX_STREAMS: 64, ROOMS_MAX: 10_000, PUSH_ORIGINS_MAX: 64 });
    expect(loadConfig({ ROOM_MAX_STREAMS: '32', ROOMS_MAX: '5', PUSH_ORIGINS_MAX: '3' })).toMatchObject({
      ROOM_MAX_STREAMS: 32,
      ROOMS_MAX: 5,
      PUSH_ORIGINS_MAX: 3,
    });
    expect(() => loadConfig({ ROOM_MAX_STREAMS: '0' })).toThrow(/ROOM_MAX_STREAMS/);
  });
});
