import { describe, expect, test } from 'vitest';
import type { MixPlan } from '../layout/plan.js';
import { viewerTiles } from './viewer-tiles.js';

const base: Omit<MixPlan, 'inputs'> = {
  preset: 'grid',
  canvas: { width: 1280, height: 720 },
  outputStreamId: 'r1_mix',
  outputType: 1,
  templateId: 0,
};

describe('viewerTiles: the plan as the viewer sees it', () => {
  test('rects in output pixels (fractions of the background converted), by z-order, crop kept', () => {
    const tiles = viewerTiles({
      ...base,
      inputs: [
        {
          streamId: 'g2',
          layer: 3,
          inputType: 0,
          role: 'guest',
          rect: { x: 0.5, y: 0.25, width: 0.5, height: 0.5 },
        },
        { streamId: 'bg', layer: 1, inputType: 3, role: 'canvas', color: '0x000000' },
        {
          streamId: 'g1',
          layer: 2,
          inputType: 0,
          role: 'guest',
          rect: { x: 0, y: 180, width: 640, height: 360 },
          crop: { x: 0, y: 120, width: 540, height: 304 },
          source: { width: 540, height: 960 },
        },
      ],
    });
    expect(tiles).toEqual([
      {
        streamId: 'bg',
        role: 'canvas',
        media: 'canvas',
        z: 1,
        rect: { x: 0, y: 0, width: 1280, height: 720 },
      },
      {
        streamId: 'g1',
        role: 'guest',
        media: 'av',
        z: 2,
        rect: { x: 0, y: 180, width: 640, height: 360 },
        crop: { x: 0, y: 120, width: 540, height: 304 },
      },
      { streamId: 'g2', role: 'guest', media: 'av', z: 3, rect: { x: 640, y: 180, width: 640, height: 360 } },
    ]);
  });

  test('an audio-only guest is listed without a rect; a tile a template places has none either', () => {
    const tiles = viewerTiles({
      ...base,
      templateId: 20,
      inputs: [
        { streamId: 'host', layer: 1, inputType: 0, role: 'main' },
        { streamId: 'g1', layer: 2, inputType: 0, role: 'guest' },
        {
          streamId: 'voice',
          layer: 3,
          inputType: 4,
          role: 'guest',
          rect: { x: 0, y: 0, width: 10, height: 10 },
        },
      ],
    });
    expect(tiles.map((t) => [t.streamId, t.media, t.rect])).toEqual([
      ['host', 'av', { x: 0, y: 0, width: 1280, height: 720 }],
      ['g1', 'av', undefined],
      ['voice', 'audio', undefined],
    ]);
  });
});
