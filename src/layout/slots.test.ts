import { describe, expect, test } from 'vitest';
import type { SnapshotStream } from './plan.js';
import { assignSlots } from './slots.js';

function s(streamId: string, joinedAt: number, slot?: number): SnapshotStream {
  return {
    streamId,
    role: 'guest',
    media: 'av',
    joinedAt,
    width: 0,
    height: 0,
    ...(slot !== undefined ? { slot } : {}),
  };
}

describe('sticky slots', () => {
  test('newcomers take the lowest free slots in join order', () => {
    expect(
      Object.fromEntries(assignSlots([s('a', 1), s('b', 2), s('c', 3)], { capacity: 15, compact: false })),
    ).toEqual({
      a: 0,
      b: 1,
      c: 2,
    });
  });

  test('a guest keeps its slot when an earlier one leaves, and a newcomer fills the hole', () => {
    const slots = assignSlots([s('b', 2, 1), s('c', 3, 2), s('d', 4)], { capacity: 15, compact: false });
    expect(Object.fromEntries(slots)).toEqual({ b: 1, c: 2, d: 0 });
  });

  test('compact closes up in join order, forgetting remembered slots', () => {
    const slots = assignSlots([s('b', 2, 1), s('c', 3, 2)], { capacity: 15, compact: true });
    expect(Object.fromEntries(slots)).toEqual({ b: 0, c: 1 });
  });

  test('two streams claiming one slot: the earlier joiner keeps it', () => {
    const slots = assignSlots([s('late', 9, 0), s('early', 1, 0)].reverse(), {
      capacity: 15,
      compact: false,
    });
    expect(Object.fromEntries(slots)).toEqual({ early: 0, late: 1 });
  });

  test('a remembered slot beyond the capacity is forgotten', () => {
    const slots = assignSlots([s('a', 1, 15), s('b', 2, 3)], { capacity: 15, compact: false });
    expect(Object.fromEntries(slots)).toEqual({ a: 0, b: 3 });
  });

  test('the pinned stream takes slot 0 and whoever held it moves', () => {
    const slots = assignSlots([s('a', 1, 0), s('b', 2, 1)], { capacity: 15, compact: false, pinned: 'b' });
    expect(Object.fromEntries(slots)).toEqual({ b: 0, a: 1 });
  });
});
