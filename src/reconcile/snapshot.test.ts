import { expect, test } from 'vitest';
import type { RoomState } from '../rooms/room-state.js';
import type { StoredStream } from '../rooms/stored.js';
import { LIMITS } from '../tencent/limits.js';
import { viewRoom } from './snapshot.js';

const T0 = 1_800_000_000_000;
const GRACE = 3000;

function stream(streamId: string, leftAt?: number): StoredStream {
  const role = streamId === 'host' ? 'main' : 'guest';
  const base = {
    streamId,
    sequence: '1',
    role,
    media: 'av',
    pushedAt: T0,
    eventTimeMs: T0,
    width: 540,
    height: 960,
  };
  return { ...base, ...(leftAt !== undefined ? { leftAt } : {}) } as StoredStream;
}

const room = (streams: StoredStream[]): RoomState => ({
  roomId: 'r1',
  meta: { version: 1, status: 'mixing', epoch: 1, pushPreset: 'pip' },
  config: undefined,
  streams,
  applied: null,
  causes: [],
});

test('a disconnected stream is leaving (and keeps its tile) until its grace ends, then departed', () => {
  const state = room([stream('host'), stream('guest', T0 + 1000)]);
  const during = viewRoom(state, T0 + 1000 + GRACE - 1, GRACE, LIMITS.legacy);
  expect([...during.leaving]).toEqual(['guest']);
  expect(during.departed).toEqual([]);
  expect(during.nextDeparture).toBe(T0 + 1000 + GRACE);
  expect(during.snapshot.streams.map((s) => s.streamId)).toEqual(['host', 'guest']);

  const after = viewRoom(state, T0 + 1000 + GRACE, GRACE, LIMITS.legacy);
  expect(after.departed).toEqual(['guest']);
  expect(after.leaving.size).toBe(0);
  expect(after.snapshot.streams.map((s) => s.streamId)).toEqual(['host']);
});
