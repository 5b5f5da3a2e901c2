import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_PREFIX, QUEUES } from '../../src/queue/catalog.js';
import { platformTimingEnv } from '../support/platform-timing.js';
import type { BenchContext } from './context.js';
import { startApi, startWorker } from './mixkeeper-process.js';
import { cpuMsOf, waitUntil } from './processes.js';
import type { ScaleResult } from './results.js';
import { sequenceSource, signedCallbackBody } from './signed-callback.js';
import { startStubPlatform } from './stub-platform.js';

/**
 * Phase 4, scale: rooms × streams loaded through the receiver while both queues are paused, then
 * the events worker alone (reconcile still paused), then the reconciles alone — so each stage's
 * throughput is its own — with readiness 0. Redis memory from INFO before and after, broken down
 * by MEMORY USAGE of room keys and queue keys; worker RSS from /proc.
 */

/** Keys whose MEMORY USAGE sum is taken: all of them, in pipelined batches. */
async function memoryOf(redis: Redis, pattern: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 2000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call('MEMORY', 'USAGE', key, 'SAMPLES', '0');
    const replies = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      sizes.set(key, Number(replies[i]?.[1] ?? 0));
    });
  } while (cursor !== '0');
  return sizes;
}

/** `INFO commandstats` as calls per command (`evalsha`, `hset`, …). */
async function commandCalls(redis: Redis): Promise<Map<string, number>> {
  const calls = new Map<string, number>();
  for (const match of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    calls.set(match[1] ?? '', Number(match[2]));
  }
  return calls;
}

/** Commands per item between two readings, the bench's own reads (INFO, counts) included. */
function callsPer(
  before: Map<string, number>,
  after: Map<string, number>,
  items: number,
): Record<string, number> {
  const per: Record<string, number> = {};
  for (const [command, calls] of after) {
    const delta = calls - (before.get(command) ?? 0);
    if (delta / items >= 0.05) per[command] = Math.round((delta / items) * 100) / 100;
  }
  return per;
}

async function usedMemory(redis: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? 0);
}

export async function measureScale(ctx: BenchContext): Promise<ScaleResult> {
  const { rooms, streamsPerRoom, concurrency } = ctx.sizes.scale;
  const streams = rooms * streamsPerRoom;
  ctx.log(`scale: ${rooms} rooms × ${streamsPerRoom} streams, readiness 0`);
  await ctx.redis.flushall();
  const platform = await startStubPlatform();
  const base = {
    runtime: ctx.runtime,
    logDir: ctx.logDir,
    redisUrl: ctx.redisUrl,
    keys: ctx.keys,
    nodeArgs: ctx.nodeArgs,
  };
  const env = {
    ...platformTimingEnv(1),
    MIX_READY_DELAY_MS: '0',
    MIX_MIN_START_INTERVAL_MS: '0',
    MIX_LEAVE_GRACE_MS: '0',
    MIX_DEBOUNCE_MS: String(ctx.sizes.reaction.debounceMs),
  };
  const [api, worker] = await Promise.all([
    startApi({ ...base, env }, 'scale-api'),
    startWorker({ ...base, env, mixUrl: platform.mixUrl }, 'scale-worker'),
  ]);
  const events = new Queue(QUEUES.liveEvents, { connection: ctx.redis, prefix: QUEUE_PREFIX });
  const reconcile = new Queue(QUEUES.reconcile, { connection: ctx.redis, prefix: QUEUE_PREFIX });
  const remaining = async (queue: Queue) => {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  };
  const nextSequence = sequenceSource();
  const body = (
    kind: 'push' | 'disconnect',
    streamId: string,
    sequence: string,
    params: Record<string, string>,
  ) =>
    signedCallbackBody(
      {
        kind,
        streamId,
        sequence,
        params: new URLSearchParams(params).toString(),
        width: 540,
        height: 960,
        nowMs: Date.now(),
      },
      ctx.keys,
    );
  /** Posts the bodies (autocannon, keep-alive); a request past the end repeats the last body, a no-op job. */
  const post = async (bodies: string[]) => {
    let next = 0;
    const result = await autocannon({
      url: `${api.url}/callbacks/tencent`,
      connections: Math.min(concurrency, bodies.length),
      amount: bodies.length,
      requests: [
        {
          method: 'POST',
          path: '/callbacks/tencent',
          headers: { 'content-type': 'application/json' },
          setupRequest: (request) => ({
            ...request,
            body: bodies[Math.min(next++, bodies.length - 1)] ?? '',
          }),
        },
      ],
    });
    return result['2xx'];
  };
  const roomParams = (room: number, main: boolean) => ({
    mix_room: `sc${room}`,
    ...(main ? { mix_role: 'main' } : {}),
  });
  try {
    await events.pause();
    await reconcile.pause();
    const usedBefore = await usedMemory(ctx.redis);

    // Load: every stream's signed push callback through the receiver, jobs held in the paused queue.
    const loadStarted = performance.now();
    const ok = await post(
      Array.from({ length: streams }, (_, i) => {
        const room = Math.floor(i / streamsPerRoom);
        return body(
          'push',
          `s${room}_${i % streamsPerRoom}`,
          nextSequence(),
          roomParams(room, i % streamsPerRoom === 0),
        );
      }),
    );
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    const queued = await remaining(events);
    ctx.log(`  loaded ${ok} callbacks answered 200, ${queued} jobs queued, in ${loadSeconds.toFixed(1)} s`);

    const cpu = () => ({ worker: worker.cpuMs(), redis: cpuMsOf(ctx.redisPid) });
    const perItem = (before: { worker: number; redis: number }, items: number) => {
      const after = cpu();
      return {
        worker: Math.round(((after.worker - before.worker) * 1000) / Math.max(1, items)),
        redis: Math.round(((after.redis - before.redis) * 1000) / Math.max(1, items)),
      };
    };
    const eventsCpu = cpu();
    const eventsCalls = await commandCalls(ctx.redis);
    const eventsStarted = performance.now();
    await events.resume();
    await waitUntil('the events queue to drain', async () => (await remaining(events)) === 0, 600_000, 50);
    const eventsSeconds = (performance.now() - eventsStarted) / 1000;
    const eventsCpuUs = perItem(eventsCpu, queued);
    const eventsCommands = callsPer(eventsCalls, await commandCalls(ctx.redis), queued);
    ctx.log(
      `  events: ${queued} in ${eventsSeconds.toFixed(2)} s; CPU per event: worker ${eventsCpuUs.worker} µs, redis ${eventsCpuUs.redis} µs`,
    );

    const reconcileCpu = cpu();
    const reconcileCalls = await commandCalls(ctx.redis);
    const reconcileStarted = Date.now();
    await reconcile.resume();
    await waitUntil(
      'the reconcile queue to drain',
      async () => (await remaining(reconcile)) === 0,
      600_000,
      50,
    );
    const polledSeconds = (Date.now() - reconcileStarted) / 1000;
    const reconcileCpuUs = perItem(reconcileCpu, rooms);
    const reconcileCommands = callsPer(reconcileCalls, await commandCalls(ctx.redis), rooms);
    const starts = platform.requests.filter((r) => r.op === 'start' && r.at >= reconcileStarted);
    const startedRooms = new Set(starts.map((r) => r.sessionId)).size;
    const lastAt = starts.reduce((latest, r) => Math.max(latest, r.at), 0);
    // The platform's clock says when the last start arrived; polling only bounds it.
    const reconcileSeconds = starts.length
      ? Math.max(0.001, (lastAt - reconcileStarted) / 1000)
      : polledSeconds;
    ctx.log(
      `  reconcile: ${startedRooms} rooms started in ${reconcileSeconds.toFixed(2)} s; CPU per room: worker ${reconcileCpuUs.worker} µs, redis ${reconcileCpuUs.redis} µs`,
    );

    const usedAfter = await usedMemory(ctx.redis);
    const roomKeys = await memoryOf(ctx.redis, 'mk:*');
    const queueKeys = await memoryOf(ctx.redis, `${QUEUE_PREFIX}:*`);
    const byKind: Record<string, number> = {};
    let roomBytes = 0;
    for (const [key, bytes] of roomKeys) {
      // `mk:{room:<id>}:<kind>[:…]`, or the index `mk:rooms`.
      const kind = /^[^:]+:\{room:[^}]*\}:([^:]+)/.exec(key)?.[1] ?? key.split(':').slice(1).join(':');
      byKind[kind] = (byKind[kind] ?? 0) + bytes;
      roomBytes += bytes;
    }
    const queueBytes = [...queueKeys.values()].reduce((sum, n) => sum + n, 0);
    const indexShare = (byKind.rooms ?? 0) / rooms;

    // Steady state: a sample of rooms gets a guest joining and leaving until its audit log is full.
    const sample = Math.min(rooms, ctx.sizes.scale.steadySample);
    const changesPerRoom = ctx.sizes.scale.steadyChanges;
    const guestSequence = new Map<number, string>();
    for (let change = 0; change < changesPerRoom; change++) {
      const kind = change % 2 === 0 ? 'push' : 'disconnect';
      await post(
        Array.from({ length: sample }, (_, room) => {
          // A disconnect carries its push's sequence.
          const sequence = kind === 'push' ? nextSequence() : (guestSequence.get(room) ?? '');
          guestSequence.set(room, sequence);
          return body(kind, `x${room}`, sequence, roomParams(room, false));
        }),
      );
      await waitUntil('the changes to be applied', async () => (await remaining(events)) === 0, 60_000, 20);
      await waitUntil(
        'the changes to be reconciled',
        async () => (await remaining(reconcile)) === 0,
        60_000,
        20,
      );
    }
    const steadyKinds: Record<string, number> = {};
    const auditBytesByType: Record<string, number> = {};
    let steadyBytes = 0;
    let auditEntries = 0;
    for (let room = 0; room < sample; room++) {
      for (const [key, bytes] of await memoryOf(ctx.redis, `mk:{room:sc${room}}:*`)) {
        const kind = /\}:([^:]+)/.exec(key)?.[1] ?? key;
        steadyKinds[kind] = (steadyKinds[kind] ?? 0) + bytes / sample;
        steadyBytes += bytes;
      }
      const entries = await ctx.redis.lrange(`mk:{room:sc${room}}:audit`, 0, -1);
      auditEntries += entries.length;
      for (const line of entries) {
        const type = String((JSON.parse(line) as { type?: unknown }).type);
        auditBytesByType[type] = (auditBytesByType[type] ?? 0) + line.length / sample;
      }
    }
    const steadyState = {
      rooms: sample,
      changesPerRoom,
      auditEntriesPerRoom: round2(auditEntries / sample),
      perRoomState: round2(steadyBytes / sample + indexShare),
      roomKeyMeans: Object.fromEntries(
        Object.entries(steadyKinds).map(([kind, bytes]) => [kind, round2(bytes)]),
      ),
      auditBytesByType: Object.fromEntries(
        Object.entries(auditBytesByType).map(([type, bytes]) => [type, round2(bytes)]),
      ),
    };
    ctx.log(
      `  steady state (${sample} rooms, ${steadyState.auditEntriesPerRoom} audit entries): ${Math.round(steadyState.perRoomState)} B/room of room state`,
    );
    const workerMemory = worker.memory();
    const result: ScaleResult = {
      rooms,
      streams,
      load: { callbacks: ok, okPerS: Math.round(ok / loadSeconds) },
      events: {
        processed: queued,
        perS: Math.round(queued / eventsSeconds),
        seconds: round2(eventsSeconds),
        cpuUs: eventsCpuUs,
        redisCommands: eventsCommands,
      },
      reconcile: {
        rooms,
        startsOk: startedRooms,
        perS: Math.round(rooms / reconcileSeconds),
        seconds: round2(reconcileSeconds),
        cpuUs: reconcileCpuUs,
        redisCommands: reconcileCommands,
      },
      memory: {
        usedBefore,
        usedAfter,
        perRoomAll: round2((usedAfter - usedBefore) / rooms),
        perRoomState: round2(roomBytes / rooms),
        perRoomQueues: round2(queueBytes / rooms),
        roomKeyMeans: Object.fromEntries(
          Object.entries(byKind).map(([kind, bytes]) => [kind, round2(bytes / rooms)]),
        ),
        steadyState,
      },
      worker: {
        peakRssBytes: workerMemory.peakRssBytes,
        endRssBytes: workerMemory.rssBytes,
        cpuMs: Math.round(worker.cpuMs()),
      },
      api: { peakRssBytes: api.process.memory().peakRssBytes },
      unknownRequests: platform.requests.filter((r) => r.op === 'unknown').length,
    };
    ctx.log(
      `  memory: ${Math.round(result.memory.perRoomAll)} B/room in all, ${Math.round(result.memory.perRoomState)} B/room of room state; worker peak RSS ${Math.round(workerMemory.peakRssBytes / 2 ** 20)} MiB`,
    );
    return result;
  } finally {
    await events.close();
    await reconcile.close();
    await Promise.all([api.process.stop(), worker.stop()]);
    await platform.close();
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
