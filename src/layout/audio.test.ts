import { describe, expect, test } from 'vitest';
import { LIMITS } from '../tencent/limits.js';
import { layout } from './layout.js';
import type { RoomSnapshot } from './plan.js';
import { validatePlan } from './validate.js';

const voiceRoom: RoomSnapshot = {
  roomId: 'voice',
  config: { preset: 'audio' },
  streams: [
    { streamId: 'host', role: 'main', media: 'av', joinedAt: 1, width: 540, height: 960 },
    { streamId: 'g1', role: 'guest', media: 'audio', joinedAt: 2, width: 0, height: 0 },
    { streamId: 'g2', role: 'guest', media: 'av', joinedAt: 3, width: 0, height: 0 },
  ],
};

describe('audio preset (voice rooms)', () => {
  test('every stream is input_type 4 with a layer and no geometry, over a 320x640 canvas', () => {
    const plan = layout(voiceRoom, LIMITS.legacy);
    expect(plan?.inputs).toEqual([
      {
        streamId: 'mk_canvas',
        layer: 1,
        inputType: 3,
        role: 'canvas',
        rect: { x: 0, y: 0, width: 320, height: 640 },
        color: '0x000000',
      },
      { streamId: 'host', layer: 2, inputType: 4, role: 'main' },
      { streamId: 'g1', layer: 3, inputType: 4, role: 'guest' },
      { streamId: 'g2', layer: 4, inputType: 4, role: 'guest' },
    ]);
    expect(plan?.outputStreamId).toBe('host');
    expect(plan && validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  });

  test('a configured canvas replaces the 320x640 default', () => {
    const plan = layout(
      { ...voiceRoom, config: { preset: 'audio', canvas: { width: 64, height: 64 } } },
      LIMITS.legacy,
    );
    expect(plan?.canvas).toEqual({ width: 64, height: 64 });
  });
});
