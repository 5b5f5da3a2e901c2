import { describe, expect, test } from 'vitest';
import { PIP_ASSUMED_MAIN, pipGuestTile, pipStage } from './pip.js';

describe('pip geometry (MLVB StreamMixturer)', () => {
  test('pip on 540x960 puts the first guest at (380, 630) 160x240', () => {
    expect(pipStage({ width: 540, height: 960 }, 1).cells[0]).toEqual({
      x: 380,
      y: 630,
      width: 160,
      height: 240,
    });
  });

  test('pip on 540x960 stacks three guests up the right edge at y 630, 390, 150', () => {
    const cells = pipStage({ width: 540, height: 960 }, 3).cells;
    expect(cells.map((c) => [c.x, c.y, c.width, c.height])).toEqual([
      [380, 630, 160, 240],
      [380, 390, 160, 240],
      [380, 150, 160, 240],
    ]);
  });

  test('the 360x640 MLVB row: 120x180 at x 240, y 400/220/40', () => {
    const cells = pipStage({ width: 360, height: 640 }, 3).cells;
    expect(cells).toEqual([
      { x: 240, y: 400, width: 120, height: 180 },
      { x: 240, y: 220, width: 120, height: 180 },
      { x: 240, y: 40, width: 120, height: 180 },
    ]);
  });

  test('a 480x640 main uses the small MLVB tile (width below 540)', () => {
    expect(pipGuestTile({ width: 480, height: 640 })).toEqual({ width: 120, height: 180, bottom: 60 });
    expect(pipStage({ width: 480, height: 640 }, 1).cells[0]).toEqual({
      x: 360,
      y: 400,
      width: 120,
      height: 180,
    });
  });

  test('a 1080x1920 main doubles the 540x960 tile and margin', () => {
    expect(pipGuestTile({ width: 1080, height: 1920 })).toEqual({ width: 320, height: 480, bottom: 180 });
    expect(pipStage({ width: 1080, height: 1920 }, 1).cells[0]).toEqual({
      x: 760,
      y: 1260,
      width: 320,
      height: 480,
    });
  });

  test('a main smaller than 360x640 scales the small tile down', () => {
    expect(pipGuestTile({ width: 180, height: 320 })).toEqual({ width: 60, height: 90, bottom: 30 });
  });

  test('the fourth guest on 540x960 opens a new column to the left, at the bottom', () => {
    const cells = pipStage({ width: 540, height: 960 }, 4).cells;
    expect(cells[3]).toEqual({ x: 220, y: 630, width: 160, height: 240 });
  });

  test('fifteen guests on 540x960 shrink the tiles until all fit inside the main', () => {
    const main = { width: 540, height: 960 };
    const cells = pipStage(main, 15).cells;
    expect(cells).toHaveLength(15);
    const first = cells[0];
    expect(first?.width).toBeLessThan(160);
    // Tiles keep the 2:3 MLVB aspect within a pixel of rounding.
    expect(Math.abs((first?.width ?? 0) * 3 - (first?.height ?? 0) * 2)).toBeLessThanOrEqual(3);
    for (const c of cells) {
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.y).toBeGreaterThanOrEqual(0);
      expect(c.x + c.width).toBeLessThanOrEqual(main.width);
      expect(c.y + c.height).toBeLessThanOrEqual(main.height);
    }
    const keys = new Set(cells.map((c) => `${c.x},${c.y}`));
    expect(keys.size).toBe(15);
  });

  test('nine guests on 540x960 still use the full MLVB size (three columns of three)', () => {
    const cells = pipStage({ width: 540, height: 960 }, 9).cells;
    expect(cells[8]).toEqual({ x: 60, y: 150, width: 160, height: 240 });
  });

  test('the canvas of a pip stage is the main itself', () => {
    expect(pipStage(PIP_ASSUMED_MAIN, 2).canvas).toEqual({ width: 540, height: 960 });
  });
});
