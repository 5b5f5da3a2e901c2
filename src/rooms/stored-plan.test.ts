import { describe, expect, test } from 'vitest';
import { layout } from '../layout/layout.js';
import type { MixPlan, RoomSnapshot } from '../layout/plan.js';
import { LIMITS } from '../tencent/limits.js';
import { storedPlan, storedPlanSchema } from './stored-plan.js';

const stream = (streamId: string, role: 'main' | 'guest', joinedAt: number, width = 540, height = 960) => ({
  streamId,
  role,
  media: 'av' as const,
  joinedAt,
  width,
  height,
});

function plan(snapshot: RoomSnapshot): MixPlan {
  const planned = layout(snapshot, LIMITS.legacy);
  if (!planned) throw new Error('the snapshot must make a plan');
  return planned;
}

const roundTrip = (p: MixPlan) => storedPlanSchema.parse(JSON.parse(JSON.stringify(storedPlan(p))));

describe('the applied plan as stored', () => {
  test('a PiP plan with cropped guests reads back as it was', () => {
    const pip = plan({
      roomId: 'r1',
      config: { preset: 'pip' },
      streams: [stream('host', 'main', 1), stream('g1', 'guest', 2, 640, 360), stream('g2', 'guest', 3)],
    });
    expect(pip.inputs.some((t) => t.crop && t.source && t.slot !== undefined)).toBe(true);
    expect(roundTrip(pip)).toEqual(pip);
  });

  test('a canvas plan with a colour, a picture background and a bitrate reads back as it was', () => {
    const grid = plan({
      roomId: 'r2',
      config: {
        preset: 'grid',
        canvas: { width: 1280, height: 720 },
        background: { pictureId: 7 },
        bitrate: 900,
      },
      streams: [stream('a', 'guest', 1), stream('b', 'guest', 2)],
    });
    const colour = plan({
      roomId: 'r3',
      config: { preset: 'grid', background: { color: '0x112233' } },
      streams: [stream('a', 'guest', 1), stream('b', 'guest', 2)],
    });
    expect(grid.inputs.some((t) => t.pictureId !== undefined)).toBe(true);
    expect(colour.inputs.some((t) => t.color !== undefined)).toBe(true);
    expect(roundTrip(grid)).toEqual(grid);
    expect(roundTrip(colour)).toEqual(colour);
  });

  test('tiles are stored as arrays, far smaller than as objects', () => {
    const pip = plan({
      roomId: 'r1',
      config: {},
      streams: [stream('host', 'main', 1), stream('g1', 'guest', 2), stream('g2', 'guest', 3)],
    });
    const stored = JSON.stringify(storedPlan(pip));
    expect(JSON.parse(stored).inputs[1]).toEqual([
      'g1',
      2,
      0,
      'guest',
      0,
      [380, 630, 160, 240],
      [0, 75, 540, 810],
      [540, 960],
    ]);
    expect(stored.length).toBeLessThan(JSON.stringify(pip).length * 0.6);
  });

  test('a plan stored with object tiles (the earlier form) still reads', () => {
    const pip = plan({
      roomId: 'r1',
      config: {},
      streams: [stream('host', 'main', 1), stream('g1', 'guest', 2)],
    });
    expect(storedPlanSchema.parse(JSON.parse(JSON.stringify(pip)))).toEqual(pip);
  });

  test('a stored plan is read with the plan’s schema: a tile the mix APIs do not know is refused', () => {
    const pip = plan({
      roomId: 'r1',
      config: {},
      streams: [stream('host', 'main', 1), stream('g1', 'guest', 2)],
    });
    const stored = JSON.parse(JSON.stringify(storedPlan(pip)));
    stored.inputs[1][2] = 7;
    expect(storedPlanSchema.safeParse(stored).success).toBe(false);
    expect(storedPlanSchema.safeParse({ ...pip, preset: 'mosaic' }).success).toBe(false);
    expect(storedPlanSchema.safeParse(pip).success).toBe(true);
  });
});
