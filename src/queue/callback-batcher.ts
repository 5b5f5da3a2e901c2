import type { JobsOptions, Queue } from 'bullmq';
import type { LiveEvent } from '../tencent/callback.js';
import { jobOptionsOf } from './bullmq.js';
import { jobCatalog } from './catalog.js';

/**
 * Group commit of the receiver's `liveEvents` jobs. One `queue.add` per callback costs a round
 * trip, a socket write and a Redis read each: the write syscall alone was the largest frame of
 * the receiver's profile (~20% of its samples), and Redis pays its per-command cost as often.
 * Instead, the callbacks that arrive within `windowMs` of the first waiting one (or `maxBatch` of
 * them, whichever comes first) are added with one `addBulk`: one pipeline, one write, one read.
 * Each callback's promise settles when its batch is written, so a 200 still means its job is in
 * Redis; a batch that fails rejects every callback in it (each gets a 503 and Tencent retries;
 * a job that was stored anyway makes the retry a duplicate, which its job id drops).
 */

export interface CallbackBatcher {
  /** Resolves once the event's job is in Redis (or already was: a retry); rejects when it may not be. */
  enqueue(event: LiveEvent): Promise<void>;
}

export interface CallbackBatcherOptions {
  /**
   * How long the first waiting callback waits for others, ms. 0: until the event loop has handled
   * the I/O already pending (`setImmediate`), which still batches what arrived together.
   */
  windowMs: number;
  /** Written at once when this many wait. */
  maxBatch?: number;
}

/** Beyond a few hundred, a bigger pipeline saves nothing more and only holds Redis longer. */
export const DEFAULT_MAX_BATCH = 256;

interface Waiting {
  job: { name: string; data: LiveEvent; opts: JobsOptions };
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createCallbackBatcher(
  queue: Queue<LiveEvent>,
  options: CallbackBatcherOptions,
): CallbackBatcher {
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
  const optionsFor = jobOptionsOf(jobCatalog.liveEvents, {});
  const waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  /** Batches sent and not yet answered: while one is, newcomers gather for the next. */
  let inFlight = 0;

  const write = (batch: Waiting[]) => {
    inFlight += 1;
    queue
      .addBulk(batch.map((entry) => entry.job))
      .then(
        () => {
          for (const entry of batch) entry.resolve();
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        inFlight -= 1;
        if (inFlight === 0) flush();
      });
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
    while (waiting.length) write(waiting.splice(0, maxBatch));
  };
  const schedule = () => {
    if (timer !== undefined || immediate !== undefined || inFlight > 0) return;
    if (options.windowMs > 0) timer = setTimeout(flush, options.windowMs);
    else immediate = setImmediate(flush);
  };

  return {
    enqueue(event) {
      return new Promise<void>((resolve, reject) => {
        waiting.push({ job: { name: event.kind, data: event, opts: optionsFor(event) }, resolve, reject });
        if (waiting.length >= maxBatch) flush();
        else schedule();
      });
    },
  };
}
