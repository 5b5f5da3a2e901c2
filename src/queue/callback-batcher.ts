import type { Queue } from 'bullmq';
import type { LiveEvent } from '../tencent/callback.js';
import { addJobs, type JobToAdd, storedOptionsTemplate } from './add-jobs-script.js';
import { jobOptions } from './bullmq.js';
import { jobCatalog, liveEventJobId } from './catalog.js';

/**
 * Group commit of the receiver's `liveEvents` jobs. One `queue.add` per callback cost a round
 * trip, a socket write, BullMQ's per-job client work and one script call in Redis, each time:
 * together most of the receiver's CPU and all of Redis's. Instead, callbacks are gathered and their
 * jobs written with one Lua call (src/queue/add-jobs-script.ts, BullMQ's own add per job). The first
 * waiting callback waits `windowMs` (0: only for the I/O already pending); when `maxInFlight` calls
 * are being written, the next group gathers until one returns, so groups grow with the load and a
 * lone callback waits for nothing. Each callback's promise settles when its group is written, so a 200 still means its job
 * is in Redis; a group that fails rejects every callback in it (each gets a 503 and Tencent
 * retries; a job stored anyway makes the retry a duplicate, which its job id drops).
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
  /**
   * Calls in flight at once; more callbacks gather meanwhile. One would make a callback that
   * arrives during a call wait for it and then for its own: two round trips.
   */
  maxInFlight?: number;
}

/** Beyond a few hundred, a bigger call saves nothing more and only holds Redis longer. */
export const DEFAULT_MAX_BATCH = 128;
export const DEFAULT_MAX_IN_FLIGHT = 4;

/** Any event: the options template takes only what every job shares. */
const TEMPLATE_EVENT: LiveEvent = {
  kind: 'push',
  streamId: 'template',
  sequence: '',
  eventTimeMs: 0,
  receivedAt: 0,
  domain: '',
  appName: '',
  params: {},
  width: 0,
  height: 0,
  errcode: 0,
};

interface Waiting {
  job: JobToAdd;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createCallbackBatcher(
  queue: Queue<LiveEvent>,
  options: CallbackBatcherOptions,
): CallbackBatcher {
  const maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
  const maxInFlight = Math.max(1, options.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT);
  // The catalog's options are the same for every callback but its ids, which the script sets.
  const policy = jobCatalog.liveEvents.job({});
  const jobId = policy.jobId ?? liveEventJobId;
  const dedupId = policy.dedup?.id;
  const template = storedOptionsTemplate(queue, jobOptions(jobCatalog.liveEvents, TEMPLATE_EVENT, {}));
  const waiting: Waiting[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let immediate: ReturnType<typeof setImmediate> | undefined;
  /** Batches sent and not yet answered: while one is, newcomers gather for the next. */
  let inFlight = 0;

  const write = (batch: Waiting[]) => {
    inFlight += 1;
    addJobs(
      queue,
      template,
      batch.map((entry) => entry.job),
    )
      .then(
        (ids) => {
          // An id is the job's (or, for a retry, the kept job's); a number is BullMQ's error code.
          batch.forEach((entry, i) => {
            const id = ids[i];
            if (typeof id === 'string') entry.resolve();
            else entry.reject(new Error(`the job was not stored (${String(id)})`));
          });
        },
        (error: unknown) => {
          for (const entry of batch) entry.reject(error);
        },
      )
      .finally(() => {
        inFlight -= 1;
        if (waiting.length && inFlight < maxInFlight) flush();
      });
  };
  const flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
    timer = immediate = undefined;
    while (waiting.length && inFlight < maxInFlight) write(waiting.splice(0, maxBatch));
  };
  const schedule = () => {
    if (timer !== undefined || immediate !== undefined || inFlight >= maxInFlight) return;
    if (options.windowMs > 0) timer = setTimeout(flush, options.windowMs);
    else immediate = setImmediate(flush);
  };

  return {
    enqueue(event) {
      return new Promise<void>((resolve, reject) => {
        const id = jobId(event);
        const job: JobToAdd = {
          name: event.kind,
          data: JSON.stringify(event),
          jobId: id,
          ...(dedupId ? { dedupId: dedupId === jobId ? id : dedupId(event) } : {}),
        };
        waiting.push({ job, resolve, reject });
        if (waiting.length >= maxBatch) flush();
        else schedule();
      });
    },
  };
}
