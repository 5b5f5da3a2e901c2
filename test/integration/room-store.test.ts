import { assert, describe, expect, test } from 'vitest';
import { viewRoom } from '../../src/reconcile/snapshot.js';
import { readAudit } from '../../src/rooms/audit.js';
import { readLeased } from '../../src/rooms/lease.js';
import type { Membership } from '../../src/rooms/membership.js';
import {
  applyObservation,
  expireStream,
  forgetDeparted,
  type Observation,
} from '../../src/rooms/observations.js';
import { setConfig } from '../../src/rooms/operator-changes.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { updateRoom } from '../../src/rooms/room-update.js';
import { LIMITS } from '../../src/tencent/limits.js';
import { useRedis } from '../support/redis.js';

const { redis, namespace } = useRedis();
const store = new RoomStore(redis, { namespace, auditCap: 5 });
let roomCounter = 0;
const T = 1_700_000_000_000;

function room() {
  roomCounter += 1;
  const roomId = `room${roomCounter}`;
  const membership: Membership = { roomId, role: 'guest', media: 'av', notes: [] };
  const obs = (kind: 'push' | 'disconnect', streamId: string, sequence: string, at = T): Observation => ({
    kind,
    streamId,
    sequence,
    eventTimeMs: at,
    receivedAt: at,
    width: 540,
    height: 960,
    membership,
  });
  return {
    roomId,
    push: (s: string, q: string, at?: number) => obs('push', s, q, at),
    disc: (s: string, q: string, at?: number) => obs('disconnect', s, q, at),
  };
}

describe('observations', () => {
  test('a push makes the stream live and bumps the version; the same push again is a no-op', async () => {
    const r = room();
    expect(await applyObservation(store, r.push('a', '11'), T)).toEqual({ outcome: 'applied', version: 1 });
    expect(await applyObservation(store, r.push('a', '11'), T + 5)).toEqual({
      outcome: 'duplicate',
      version: 1,
    });
    const state = await readRoom(store, r.roomId);
    expect(state?.streams).toMatchObject([{ streamId: 'a', sequence: '11', pushedAt: T }]);
    expect(state?.causes).toEqual(['push a 11']);
  });

  test('a late disconnect of an old push keeps the new one', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '11', T), T);
    await applyObservation(store, r.push('a', '22', T + 2000), T + 2000);
    expect((await applyObservation(store, r.disc('a', '11', T + 2000), T + 2100)).outcome).toBe('stale');
    const state = await readRoom(store, r.roomId);
    expect(state?.streams).toHaveLength(1);
    expect(state?.streams[0]).toMatchObject({ sequence: '22' });
    expect(state?.streams[0]?.leftAt).toBeUndefined();
  });

  test('a disconnect’s audit line keeps why the push ended: errcode/sub_errcode and the platform’s text', async () => {
    const r = room();
    await applyObservation(store, { ...r.push('a', '11'), errcode: 0, errmsg: 'ok' }, T);
    await applyObservation(
      store,
      { ...r.disc('a', '11'), errcode: 21, subErrcode: 102, errmsg: 'a new push replaced it' },
      T + 100,
    );
    await applyObservation(store, { ...r.disc('b', '12'), errcode: 2 }, T + 200);
    const [unknown, left, pushed] = await readAudit(store, r.roomId);
    expect(left).toMatchObject({
      kind: 'disconnect',
      outcome: 'applied',
      errcode: '21/102',
      errmsg: 'a new push replaced it',
    });
    expect(unknown).toMatchObject({ kind: 'disconnect', outcome: 'unknown', errcode: '2' });
    expect(unknown).not.toHaveProperty('errmsg');
    // A push's errcode 0 / "ok" says nothing: not kept.
    expect(pushed).toMatchObject({ kind: 'push', stream: 'a' });
    expect(pushed).not.toHaveProperty('errcode');
    expect(pushed).not.toHaveProperty('errmsg');
  });

  test('an old push delivered after its replacement is stale', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '22', T + 2000), T + 2000);
    expect((await applyObservation(store, r.push('a', '11', T), T + 2100)).outcome).toBe('stale');
    expect((await readRoom(store, r.roomId))?.streams[0]?.sequence).toBe('22');
  });

  test('a disconnect before its push leaves a tombstone: the late push is ignored', async () => {
    const r = room();
    expect((await applyObservation(store, r.disc('a', '33'), T)).outcome).toBe('unknown');
    expect((await applyObservation(store, r.push('a', '33'), T + 10)).outcome).toBe('stale');
    expect((await readRoom(store, r.roomId))?.streams ?? []).toEqual([]);
    // another push of the same stream is a new push and is taken
    expect((await applyObservation(store, r.push('a', '34', T + 20), T + 20)).outcome).toBe('applied');
  });

  test('the matching disconnect starts the leave; a second one is a no-op; grace end forgets it', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '11'), T);
    expect(await applyObservation(store, r.disc('a', '11'), T + 100)).toEqual({
      outcome: 'applied',
      version: 2,
    });
    expect(await applyObservation(store, r.disc('a', '11'), T + 200)).toEqual({
      outcome: 'duplicate',
      version: 2,
    });
    const state = await readRoom(store, r.roomId);
    expect(state?.streams[0]?.leftAt).toBe(T + 100);
    // The grace rule is the reconcile's view of the room; the store forgets what it names.
    const departedAt = (at: number) =>
      state
        ? state.streams.filter((s) => viewRoom(state, at, 3000, LIMITS.legacy).departed.includes(s.streamId))
        : [];
    expect(departedAt(T + 2000)).toEqual([]);
    expect(await forgetDeparted(store, r.roomId, departedAt(T + 3100))).toBe(1);
    expect((await readRoom(store, r.roomId))?.streams).toEqual([]);
  });

  test('forgetting a departed push keeps a live one and a newer push of the same stream', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '11', T), T);
    await applyObservation(store, r.push('b', '11', T), T);
    await applyObservation(store, r.disc('a', '11', T + 100), T + 100);
    await applyObservation(store, r.push('a', '22', T + 2000), T + 2000);
    const gone = [
      { streamId: 'a', sequence: '11' },
      { streamId: 'b', sequence: '11' },
    ];
    expect(await forgetDeparted(store, r.roomId, gone)).toBe(0);
    expect((await readRoom(store, r.roomId))?.streams.map((s) => `${s.streamId} ${s.sequence}`)).toEqual([
      'b 11',
      'a 22',
    ]);
  });

  test('a push retried after its disconnect does not bring the stream back', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '11'), T);
    await applyObservation(store, r.disc('a', '11'), T + 100);
    expect(await forgetDeparted(store, r.roomId, [{ streamId: 'a', sequence: '11' }])).toBe(1);
    expect((await applyObservation(store, r.push('a', '11'), T + 60_000)).outcome).toBe('stale');
  });

  test('the main’s push sets the room preset; the audit log is capped', async () => {
    const r = room();
    const main = {
      ...r.push('m', '1'),
      membership: {
        roomId: r.roomId,
        role: 'main' as const,
        media: 'av' as const,
        preset: 'pk' as const,
        notes: [],
      },
    };
    await applyObservation(store, main, T);
    for (let i = 0; i < 8; i++) await applyObservation(store, r.push(`g${i}`, '1'), T + i);
    const state = await readRoom(store, r.roomId);
    expect(state?.meta.pushPreset).toBe('pk');
    const audit = await readAudit(store, r.roomId);
    expect(audit).toHaveLength(5);
    // stored compactly: [at, v, type, outcome, kind, stream, seq]
    expect(await redis.lindex(store.keys.room(r.roomId).audit, 0)).toBe(
      `[${T + 7},9,"callback","applied","push","g7","1"]`,
    );
    expect(audit[0]).toMatchObject({
      type: 'callback',
      kind: 'push',
      stream: 'g7',
      outcome: 'applied',
      v: 9,
    });
  });
});

describe('audit lines written by the scripts', () => {
  test('an operator change and a resync expiry are logged with the version the script gave them', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '11'), T);
    expect(await setConfig(store, r.roomId, { preset: 'grid', include: [] }, T + 1)).toBe(2);
    expect(
      (await expireStream(store, r.roomId, { streamId: 'a', sequence: '11' }, 'silent', T + 2)).version,
    ).toBe(3);
    expect(await expireStream(store, r.roomId, { streamId: 'a', sequence: '11' }, 'silent', T + 3)).toEqual({
      outcome: 'duplicate',
      version: 3,
    });
    const key = store.keys.room(r.roomId).audit;
    expect(await redis.lrange(key, 0, 2)).toEqual([
      `[${T + 3},3,"resync","duplicate","expire","a","11","silent"]`,
      `[${T + 2},3,"resync","applied","expire","a","11","silent"]`,
      `[${T + 1},2,"config",{"preset":"grid","include":[]}]`,
    ]);
    expect((await readAudit(store, r.roomId)).slice(1, 3)).toEqual([
      {
        at: T + 2,
        v: 3,
        type: 'resync',
        outcome: 'applied',
        action: 'expire',
        stream: 'a',
        seq: '11',
        reason: 'silent',
      },
      { at: T + 1, v: 2, type: 'config', config: { preset: 'grid', include: [] } },
    ]);
  });
});

describe('reconcile bookkeeping', () => {
  test('update writes status, applied and audit in one go, and null clears', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '1'), T);
    const read = await readRoom(store, r.roomId);
    expect(read?.causes).toHaveLength(1);
    // A callback lands between the reconcile's read and its write: its cause is kept for the next run.
    await applyObservation(store, r.push('b', '1'), T);
    const plan = {
      preset: 'pip' as const,
      canvas: { width: 540, height: 960 },
      outputStreamId: 'a',
      outputType: 0 as const,
      templateId: 0,
      inputs: [],
    };
    await updateRoom(
      store,
      r.roomId,
      {
        status: 'mixing',
        epoch: 3,
        applied: { sessionId: `${r.roomId}_3`, epoch: 3, plan, startedAt: T, lastStartAt: T, version: 1 },
        lastError: { code: -505, message: 'x', hint: 'y', at: T, op: 'start' },
        audit: [{ at: T, v: 1, type: 'request', op: 'start' }],
        causesReported: read?.causes.length ?? 0,
      },
      T,
    );
    let state = await readRoom(store, r.roomId);
    expect(state?.meta).toMatchObject({ status: 'mixing', epoch: 3, lastError: { code: -505 } });
    expect(state?.applied?.sessionId).toBe(`${r.roomId}_3`);
    expect(state?.causes).toEqual([expect.stringMatching(/^push b /)]);
    await updateRoom(store, r.roomId, { applied: null, lastError: null, status: 'idle' }, T + 1);
    state = await readRoom(store, r.roomId);
    expect(state?.applied).toBeNull();
    expect(state?.meta.lastError).toBeUndefined();
  });

  test('the lease admits one reconcile at a time; its final write releases it, and only its own', async () => {
    const r = room();
    await applyObservation(store, r.push('a', '1'), T);
    const first = await readLeased(store, r.roomId, 5000);
    if (!('lease' in first)) throw new Error('the first reader must get the lease');
    expect(first.state?.streams).toHaveLength(1);
    const held = await readLeased(store, r.roomId, 5000);
    expect(held).toEqual({ heldForMs: expect.any(Number) });
    assert('heldForMs' in held);
    expect(held.heldForMs).toBeGreaterThan(4000);
    await updateRoom(store, r.roomId, { status: 'pending' }, T, first.lease);
    expect(first.lease.released).toBe(true);
    const second = await readLeased(store, r.roomId, 5000);
    if (!('lease' in second)) throw new Error('the write must have released the lease');
    // a stale holder (its lease expired and was taken) must not free the new holder's
    await updateRoom(store, r.roomId, { status: 'pending' }, T, { ...first.lease, released: false });
    expect(await readLeased(store, r.roomId, 5000)).toHaveProperty('heldForMs');
    await second.lease.release();
    expect(await readLeased(store, r.roomId, 5000)).toHaveProperty('lease');
  });

  test('an unknown room reads as null', async () => {
    expect(await readRoom(store, 'nobody_here')).toBeNull();
  });
});
