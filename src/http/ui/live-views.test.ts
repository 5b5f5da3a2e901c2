import { describe, expect, test } from 'vitest';
import { createLogger } from '../../log.js';
import { createLiveViews } from './live-views.js';

const log = createLogger('silent');
const settle = (ms = 30) => new Promise((resolve) => setTimeout(resolve, ms));
/** Waits until `check` holds (a loaded machine may take its time), failing after 5 s. */
async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await settle(5);
  }
}

describe('live views', () => {
  test('one read per poll for a view, however many subscribe; each subscriber gets every change', async () => {
    const views = createLiveViews({ pollMs: 10, maxStreams: 10, log });
    let reads = 0;
    let html = 'a';
    const render = async () => {
      reads += 1;
      return html;
    };
    const seen: string[][] = [[], [], []];
    const stops = seen.map((list) => views.subscribe('v', render, (h) => list.push(String(h))));
    await until(() => seen.every((list) => list.length === 1));
    html = 'b';
    await until(() => seen.every((list) => list.length === 2));
    expect(views.pollers).toBe(1);
    for (const list of seen) expect(list).toEqual(['a', 'b']);
    const readsWhileWatched = reads;
    for (const stop of stops) stop();
    expect(views.pollers).toBe(0);
    await settle();
    // Nobody watches: nothing is read any more.
    expect(reads).toBe(readsWhileWatched);
  });

  test('a late subscriber gets the current HTML at once; a view gone is null', async () => {
    const views = createLiveViews({ pollMs: 10, maxStreams: 10, log });
    let html: string | null = 'x';
    const render = async () => html;
    let firstSeen = 0;
    const first = views.subscribe('v', render, () => {
      firstSeen += 1;
    });
    await until(() => firstSeen === 1);
    const got: (string | null)[] = [];
    const late = views.subscribe(
      'v',
      async () => 'never read',
      (h) => got.push(h),
    );
    expect(got).toEqual(['x']);
    html = null;
    await until(() => got.length === 2);
    expect(got).toEqual(['x', null]);
    first();
    late();
  });

  test('a failed read keeps the subscribers and is tried again', async () => {
    const views = createLiveViews({ pollMs: 5, maxStreams: 10, log });
    let calls = 0;
    const render = async () => {
      calls += 1;
      if (calls === 1) throw new Error('redis away');
      return 'back';
    };
    const got: (string | null)[] = [];
    const stop = views.subscribe('v', render, (h) => got.push(h));
    await until(() => got.length === 1);
    expect(got).toEqual(['back']);
    expect(calls).toBeGreaterThanOrEqual(2);
    stop();
  });

  test('admit hands out maxStreams slots; a released slot is free again, released once', () => {
    const views = createLiveViews({ pollMs: 10, maxStreams: 2, log });
    const a = views.admit();
    const b = views.admit();
    expect(a && b).toBeTruthy();
    expect(views.admit()).toBeUndefined();
    a?.release();
    a?.release();
    expect(views.streams).toBe(1);
    expect(views.admit()).toBeDefined();
    expect(views.admit()).toBeUndefined();
  });
});
