import { sleep } from './processes.js';

/** Two ways of driving load: open-loop at a fixed rate, and closed-loop with bounded concurrency. */

/** Starts `task(i)` for i < count at `perS` per second whatever earlier tasks do; waits for all. */
export async function paced<T>(count: number, perS: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const started = performance.now();
  const pending: Promise<T>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = started + (i * 1000) / perS - performance.now();
    if (wait > 1) await sleep(wait);
    pending.push(task(i));
  }
  return Promise.all(pending);
}

/** Runs `task(i)` for i < count with at most `concurrency` at a time; results in index order. */
export async function pool<T>(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return results;
}
