import { describe, expect, test } from 'vitest';
import { PK_DEFAULT_CANVAS, pkStage } from './pk.js';

describe('pk geometry', () => {
  test('two hosts on MLVB’s 720x640 canvas are 360x640 side by side', () => {
    expect(PK_DEFAULT_CANVAS).toEqual({ width: 720, height: 640 });
    expect(pkStage(PK_DEFAULT_CANVAS, 2).cells).toEqual([
      { x: 0, y: 0, width: 360, height: 640 },
      { x: 360, y: 0, width: 360, height: 640 },
    ]);
  });

  test('three hosts on 720x640 are three 240-wide columns', () => {
    expect(pkStage(PK_DEFAULT_CANVAS, 3).cells.map((c) => [c.x, c.width, c.height])).toEqual([
      [0, 240, 640],
      [240, 240, 640],
      [480, 240, 640],
    ]);
  });

  test('a portrait canvas stacks hosts in rows instead', () => {
    expect(pkStage({ width: 720, height: 1280 }, 2).cells).toEqual([
      { x: 0, y: 0, width: 720, height: 640 },
      { x: 0, y: 640, width: 720, height: 640 },
    ]);
  });

  test('columns that do not divide the width evenly are centred', () => {
    const cells = pkStage({ width: 1001, height: 600 }, 3).cells;
    expect(cells.map((c) => c.x)).toEqual([1, 334, 667]);
    expect(new Set(cells.map((c) => c.width))).toEqual(new Set([333]));
  });
});
