import { describe, expect, test } from 'vitest';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import { layout } from './layout.js';
import { defaultOutputStreamId } from './output.js';
import type { RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';

function room(
  streams: Array<Partial<SnapshotStream> & { streamId: string }>,
  config: RoomConfig = {},
  roomId = 'r1',
): RoomSnapshot {
  return {
    roomId,
    config,
    streams: streams.map((s, i) => ({ role: 'guest', media: 'av', joinedAt: i, width: 0, height: 0, ...s })),
  };
}

describe('output', () => {
  test('type 0 (default) outputs on the main’s stream, which is an input', () => {
    const plan = layout(room([{ streamId: 'g' }, { streamId: 'host', role: 'main' }]), LIMITS.legacy);
    expect(plan).toMatchObject({ outputType: 0, outputStreamId: 'host' });
  });

  test('type 0 without a main outputs on the earliest joiner', () => {
    const plan = layout(room([{ streamId: 'b' }, { streamId: 'a' }], { output: { type: 0 } }), LIMITS.legacy);
    expect(plan?.outputStreamId).toBe('b');
  });

  test('type 1 outputs on a new stream <room>_mix, not an input', () => {
    const plan = layout(
      room([{ streamId: 'a' }, { streamId: 'b' }], { output: { type: 1 } }, 'room42'),
      LIMITS.legacy,
    );
    expect(plan).toMatchObject({ outputType: 1, outputStreamId: 'room42_mix' });
    expect(plan?.inputs.map((t) => t.streamId)).not.toContain('room42_mix');
  });

  test('type 1 uses the configured stream id', () => {
    const plan = layout(
      room([{ streamId: 'a' }, { streamId: 'b' }], { output: { type: 1, streamId: 'show' } }),
      LIMITS.legacy,
    );
    expect(plan?.outputStreamId).toBe('show');
  });

  test('a live stream named like the type 1 output is left out of the inputs', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'show' }], {
      output: { type: 1, streamId: 'show' },
    });
    expect(layout(snapshot, LIMITS.legacy)?.inputs.map((t) => t.streamId)).not.toContain('show');
    expect(explain(snapshot, LIMITS.legacy).join('\n')).toMatch(/show left out: it has the output's name/);
  });

  test('a room id with other characters still gives a valid output id', () => {
    expect(defaultOutputStreamId('room-7.b')).toBe('room_7_b_mix');
    expect(defaultOutputStreamId('x'.repeat(100))).toHaveLength(80);
  });

  test('an invalid configured output id falls back to <room>_mix', () => {
    const plan = layout(
      room([{ streamId: 'a' }, { streamId: 'b' }], { output: { type: 1, streamId: 'no-dashes' } }),
      LIMITS.legacy,
    );
    expect(plan?.outputStreamId).toBe('r1_mix');
  });
});
