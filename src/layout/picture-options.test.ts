import { describe, expect, test } from 'vitest';
import { planOf, tile } from '../../test/support/layout-plans.js';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import type { RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';

/** Spotlight, avatar tiles, contain and tile orientation on the built-in presets. */

function room(
  streams: Array<Partial<SnapshotStream> & { streamId: string }>,
  config: RoomConfig = {},
): RoomSnapshot {
  return {
    roomId: 'r1',
    config,
    streams: streams.map((s, i) => ({
      role: 'guest',
      media: 'av',
      joinedAt: i,
      width: 540,
      height: 960,
      ...s,
    })),
  };
}

const host = { streamId: 'host', role: 'main' as const };

describe('spotlight', () => {
  test("pip: the spotlit guest is the background, the main a tile, the output still the main's stream", () => {
    const plan = planOf(
      room([host, { streamId: 'g1', width: 720, height: 1280 }, { streamId: 'g2' }], { spotlight: 'g1' }),
    );
    expect(plan.inputs[0]).toMatchObject({ streamId: 'g1', layer: 1 });
    expect(plan.canvas).toEqual({ width: 720, height: 1280 });
    expect(tile(plan, 'host')?.rect).toBeDefined();
    expect(plan.outputStreamId).toBe('host');
  });

  test('speaker: the spotlit guest takes the large tile', () => {
    const plan = planOf(room([host, { streamId: 'g1' }], { preset: 'speaker', spotlight: 'g1' }));
    expect(tile(plan, 'g1')?.slot).toBe(0);
    expect(tile(plan, 'g1')?.rect).toMatchObject({ x: 0, y: 0, width: 1280 });
  });

  test('a spotlight on an absent or audio-only stream is ignored, with the reason', () => {
    const snapshot = room([host, { streamId: 'v', media: 'audio' }], { spotlight: 'v' });
    expect(planOf(snapshot).inputs[0]?.streamId).toBe('host');
    expect(explain(snapshot, LIMITS.legacy)).toContain('spotlight "v" ignored: it is audio-only');
  });
});

describe('avatar tiles', () => {
  test('grid: an audio-only guest gets a tile showing the picture, and its voice is mixed', () => {
    const snapshot = room([host, { streamId: 'v', media: 'audio', width: 0, height: 0 }], {
      preset: 'grid',
      audioOnly: 'tile',
      avatarPictureId: 42,
    });
    const plan = planOf(snapshot);
    expect(tile(plan, 'mk_avatar_v')).toMatchObject({ inputType: 2, pictureId: 42, rect: { x: 640, y: 0 } });
    expect(tile(plan, 'v')).toMatchObject({ inputType: 4, slot: 1 });
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'v is audio-only: its voice is mixed, and picture 42 holds its tile',
    );
  });

  test('without a picture id the guest is mixed as sound only, with the reason', () => {
    const snapshot = room([host, { streamId: 'v', media: 'audio' }], { preset: 'grid', audioOnly: 'tile' });
    expect(tile(planOf(snapshot), 'v')).toMatchObject({ inputType: 4 });
    expect(tile(planOf(snapshot), 'mk_avatar_v')).toBeUndefined();
  });
});

describe('fill and orientation', () => {
  test('contain: a portrait guest in a landscape grid cell is shown whole, pillarboxed', () => {
    const plan = planOf(room([host, { streamId: 'g' }], { preset: 'grid', fill: 'contain' }));
    expect(tile(plan, 'g')).toMatchObject({ rect: { x: 757, y: 0, width: 405, height: 720 } });
    expect(tile(plan, 'g')?.crop).toBeUndefined();
  });

  test('portrait guests keep portrait pip tiles; a room may force landscape', () => {
    const guests = [host, { streamId: 'g' }];
    expect(tile(planOf(room(guests)), 'g')?.rect).toMatchObject({ width: 160, height: 240 });
    expect(tile(planOf(room(guests, { tileOrientation: 'landscape' })), 'g')?.rect).toMatchObject({
      width: 240,
      height: 160,
    });
  });
});
