import { describe, expect, test } from 'vitest';
import type { RoomState } from '../rooms/room-state.js';
import type { StoredStream } from '../rooms/stored.js';
import { LIMITS } from '../tencent/limits.js';
import { streamNotes, viewRoom } from './snapshot.js';
import { NO_ORIGIN, nextCheckAt, UNLISTED, verdictOf } from './verify-streams.js';

const T0 = 1_800_000_000_000;
const WINDOW = 15_000;

function stream(streamId: string, extra: Partial<StoredStream> = {}): StoredStream {
  return {
    streamId,
    sequence: '1',
    role: streamId === 'host' ? 'main' : 'guest',
    media: 'av',
    pushedAt: T0,
    eventTimeMs: T0,
    width: 540,
    height: 960,
    ...extra,
  };
}

const room = (streams: StoredStream[], onAir: string[] = []): RoomState => ({
  roomId: 'r1',
  meta: { version: 1, status: 'mixing', epoch: 1, pushPreset: 'pip' },
  config: undefined,
  streams,
  applied: onAir.length
    ? {
        sessionId: 'r1_1',
        epoch: 1,
        startedAt: T0,
        lastStartAt: T0,
        version: 1,
        plan: {
          preset: 'pip',
          canvas: { width: 540, height: 960 },
          outputStreamId: 'host',
          outputType: 0,
          inputs: onAir.map((streamId, i) => ({
            streamId,
            layer: i + 1,
            role: i === 0 ? 'main' : 'guest',
            inputType: 0,
          })),
        } as unknown as NonNullable<RoomState['applied']>['plan'],
      }
    : null,
  causes: [],
});

describe('verifying new streams (VERIFY_NEW_STREAMS)', () => {
  test('listed at once: mixable at once; unlisted or unread: pending until the window ends', () => {
    expect(verdictOf('listed', { pushedAt: T0 }, T0 + 300, WINDOW)).toEqual({ verdict: 'listed', why: '' });
    expect(verdictOf('unlisted', { pushedAt: T0 }, T0 + 300, WINDOW)).toBeUndefined();
    expect(verdictOf({ unavailable: 'timeout' }, { pushedAt: T0 }, T0 + 300, WINDOW)).toBeUndefined();
    expect(verdictOf('unlisted', { pushedAt: T0 }, T0 + WINDOW, WINDOW)).toEqual({
      verdict: 'unlisted',
      why: UNLISTED,
    });
    expect(verdictOf({ unavailable: 'timeout' }, { pushedAt: T0 }, T0 + WINDOW, WINDOW)).toEqual({
      verdict: 'unchecked',
      why: '',
    });
    expect(verdictOf('no-origin', { pushedAt: T0 }, T0, WINDOW)).toEqual({
      verdict: 'unlisted',
      why: NO_ORIGIN,
    });
  });

  test('asked again at growing gaps, the window’s end last', () => {
    expect(nextCheckAt(T0, T0 + 300, WINDOW)).toBe(T0 + 800);
    expect(nextCheckAt(T0, T0 + 2000, WINDOW)).toBe(T0 + 4000);
    expect(nextCheckAt(T0, T0 + 10_000, WINDOW)).toBe(T0 + 14_000);
    expect(nextCheckAt(T0, T0 + 14_000, WINDOW)).toBe(T0 + WINDOW);
  });

  test('a pending stream is left out of the mix unless already on air; the room says why', () => {
    const state = room(
      [stream('host'), stream('guest', { verify: 'pending' }), stream('cam', { verify: 'pending' })],
      ['host', 'cam'],
    );
    const view = viewRoom(state, T0 + 6000, 3000, LIMITS.legacy);
    expect(view.snapshot.streams.map((s) => s.streamId)).toEqual(['host', 'cam']);
    expect(streamNotes(state)).toEqual([
      'guest: waiting for the platform’s online list to show it live before it is mixed (VERIFY_NEW_STREAMS)',
      'cam: waiting for the platform’s online list to show it live before it is mixed (VERIFY_NEW_STREAMS)',
    ]);
    const refused = room([stream('host'), stream('ghost', { verify: 'unlisted', unmixable: UNLISTED })]);
    expect(viewRoom(refused, T0, 3000, LIMITS.legacy).snapshot.streams.map((s) => s.streamId)).toEqual([
      'host',
    ]);
    expect(streamNotes(refused)).toEqual([`ghost: ${UNLISTED}`]);
  });
});
