import { expect, test } from 'vitest';
import { textTable } from './text-table.js';

test('columns are padded to their widest cell, long cells are cut, the last column is not padded', () => {
  const table = textTable(
    ['ROOM', 'STATUS', 'NOTE'],
    [
      ['r1', 'mixing', 'ok'],
      ['a_longer_room', 'idle', 'x'.repeat(10)],
    ],
    8,
  );
  expect(table.split('\n')).toEqual([
    'ROOM      STATUS  NOTE',
    'r1        mixing  ok',
    'a_longe…  idle    xxxxxxx…',
  ]);
});
