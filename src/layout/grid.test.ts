import { describe, expect, test } from 'vitest';
import { GRID_DEFAULT_CANVAS, gridShape, gridStage } from './grid.js';

describe('grid geometry', () => {
  test.each([
    [2, 1, 2],
    [3, 2, 2],
    [4, 2, 2],
    [5, 2, 3],
    [7, 3, 3],
    [9, 3, 3],
    [10, 3, 4],
    [13, 4, 4],
    [16, 4, 4],
  ])('%i tiles on 1280x720 are %i rows × %i columns', (cells, rows, cols) => {
    expect(gridShape(cells, GRID_DEFAULT_CANVAS)).toEqual({ rows, cols });
  });

  test('a portrait canvas puts the extra line in rows', () => {
    expect(gridShape(5, { width: 720, height: 1280 })).toEqual({ rows: 3, cols: 2 });
  });

  test('four tiles on 1280x720 are 640x360 quarters in join order, row by row', () => {
    expect(gridStage(GRID_DEFAULT_CANVAS, 4).cells).toEqual([
      { x: 0, y: 0, width: 640, height: 360 },
      { x: 640, y: 0, width: 640, height: 360 },
      { x: 0, y: 360, width: 640, height: 360 },
      { x: 640, y: 360, width: 640, height: 360 },
    ]);
  });

  test('nine tiles on 1280x720 are 426x240, the block centred', () => {
    const cells = gridStage(GRID_DEFAULT_CANVAS, 9).cells;
    expect(cells[0]).toEqual({ x: 1, y: 0, width: 426, height: 240 });
    expect(cells[8]).toEqual({ x: 853, y: 480, width: 426, height: 240 });
  });

  test('no tiles gives no cells', () => {
    expect(gridStage(GRID_DEFAULT_CANVAS, 0).cells).toEqual([]);
  });
});
