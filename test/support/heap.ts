import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Heap measurement for memory-bound tests. `gc` is reached without `--expose-gc` on the command line
 * (flags set at run time apply to new contexts); if that ever fails the numbers are taken without
 * a collection first, and say so.
 */
let gc: (() => void) | undefined;
try {
  setFlagsFromString('--expose-gc');
  gc = runInNewContext('gc') as () => void;
} catch {
  gc = undefined;
}

export interface HeapReading {
  /** V8 heap in use plus memory held outside it by JS objects (Buffers, ArrayBuffers). */
  used: number;
  heapUsed: number;
  rss: number;
  /** Whether full collections ran just before the reading. */
  collected: boolean;
}

/**
 * Heap in use after the garbage is really gone: several collections with event-loop turns between
 * them, since objects freed through FinalizationRegistry (undici's Request signals, for one) are
 * only released by callbacks that run after a collection.
 */
export async function readHeap(): Promise<HeapReading> {
  if (gc) {
    for (let round = 0; round < 5; round++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    gc();
  }
  const { heapUsed, external, rss } = process.memoryUsage();
  return { used: heapUsed + external, heapUsed, rss, collected: gc !== undefined };
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
