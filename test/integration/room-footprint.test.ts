import type { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import type { MixBackend } from '../../src/mix/mix-backend.js';
import { reconcileRoom } from '../../src/reconcile/reconcile-room.js';
import { readAudit } from '../../src/rooms/audit.js';
import type { Membership } from '../../src/rooms/membership.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { manualClock } from '../support/manual-clock.js';
import { recordingMixBackend } from '../support/recording-mix-backend.js';
import { useRedis } from '../support/redis.js';

/**
 * The bench's steady-state memory figure (test/bench/scale.ts), reproduced in-process on the test
 * Redis: rooms of a main and three guests, then a fourth guest joining and leaving 12 times, each
 * change reconciled, so the audit log is at its default cap (MIX_AUDIT_LIMIT 12). A room's keys'
 * MEMORY USAGE plus its share of a 10,000-room index must stay within 4 KB.
 */

const { redis, namespace } = useRedis();
const T0 = 1_800_000_000_000;
/** Room numbers as long as the bench's last ones, so ids take the bytes they take there. */
const ROOMS = [195, 196, 197, 198, 199];
const CHANGES = 12;

async function memoryUsage(client: Redis, key: string): Promise<number> {
  return Number(await client.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));
}

test('a room with its audit log at the default cap takes at most 4 KB of Redis', async () => {
  const store = new RoomStore(redis, { namespace, auditCap: 12 });
  const clock = manualClock(T0);
  const recording = recordingMixBackend(clock.now);
  // Answers take as long as the bench's stub platform's (tens of ms), so their entries are as long.
  const backend: MixBackend = {
    name: 'legacy',
    start: async (sessionId, spec) => ({ ...(await recording.start(sessionId, spec)), durationMs: 24 }),
    cancel: async (sessionId, output) => ({ ...(await recording.cancel(sessionId, output)), durationMs: 24 }),
  };
  const timing = { readyDelayMs: 0, cancelMinAgeMs: 5000, sessionReuseMs: 30_000, minStartIntervalMs: 0 };
  const deps = { store, backend, now: clock.now, timing, leaveGraceMs: 0, leaseMs: 10_000 };
  let sequence = 7_000_000_000_000_000_000n;
  const nextSequence = () => {
    sequence += 1n;
    return String(sequence);
  };
  const observe = (roomId: string, kind: 'push' | 'disconnect', streamId: string, seq: string) => {
    const main = streamId.endsWith('_0');
    const membership: Membership = {
      roomId,
      role: main ? 'main' : 'guest',
      media: 'av',
      notes: [],
      ...(main ? { preset: 'pip' as const } : {}),
    };
    const now = clock.advance(20);
    // As the bench's callbacks make them: an origin on each push, a reason on each disconnect.
    const obs = { kind, streamId, sequence: seq, eventTimeMs: now, receivedAt: now, width: 540, height: 960 };
    const detail =
      kind === 'push'
        ? { errcode: 0, errmsg: 'ok', origin: 'bench.livepush.myqcloud.com/live' }
        : { errcode: 1, errmsg: 'recv rtmp deleteStream' };
    return applyObservation(store, { ...obs, ...detail, membership }, now);
  };
  const reconcile = async (roomId: string) => {
    for (let run = 0; run < 10; run++) {
      clock.advance(5);
      const result = await reconcileRoom(roomId, { number: 1, max: 3 }, deps);
      if (result.kind === 'done') return;
      if (result.kind === 'wait') clock.advanceTo(result.until);
    }
    throw new Error(`room ${roomId} did not settle`);
  };

  for (const room of ROOMS) {
    const roomId = `sc${room}`;
    for (let s = 0; s < 4; s++) await observe(roomId, 'push', `s${room}_${s}`, nextSequence());
    await reconcile(roomId);
    let guest = '';
    for (let change = 0; change < CHANGES; change++) {
      if (change % 2 === 0) guest = nextSequence();
      await observe(roomId, change % 2 === 0 ? 'push' : 'disconnect', `x${room}`, guest);
      await reconcile(roomId);
    }
  }

  const byKey: Record<string, number> = {};
  let total = 0;
  for (const room of ROOMS) {
    expect(await readAudit(store, `sc${room}`)).toHaveLength(12);
    const [, keys] = await redis.scan('0', 'MATCH', `${namespace}:{room:sc${room}}:*`, 'COUNT', 1000);
    for (const key of keys) {
      const bytes = await memoryUsage(redis, key);
      const kind = key.slice(key.lastIndexOf(':') + 1);
      byKey[kind] = (byKey[kind] ?? 0) + bytes / ROOMS.length;
      total += bytes;
    }
  }
  // The index's share as the bench sees it: one member of a 10,000-room sorted set (a skiplist).
  const indexKey = `${namespace}:footprint-index`;
  await redis.zadd(indexKey, ...Array.from({ length: 10_000 }, (_, i) => [T0 + i, `sc${i}`]).flat());
  byKey.index = (await memoryUsage(redis, indexKey)) / 10_000;
  const perRoom = total / ROOMS.length + byKey.index;
  const breakdown = Object.entries(byKey)
    .map(([kind, bytes]) => `${kind} ${Math.round(bytes)}`)
    .join(', ');
  expect(perRoom, `${Math.round(perRoom)} B per room (${breakdown})`).toBeLessThanOrEqual(4096);
});
