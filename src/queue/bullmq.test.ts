import { describe, expect, test } from 'vitest';
import { pushEvent } from '../../test/support/live-event.js';
import { jobOptions, scheduledJobOptions } from './bullmq.js';
import { jobCatalog, liveEventJobId, type ResyncJob } from './catalog.js';

/** The catalog's plain options, as BullMQ receives them (ages in seconds, ids from the payload). */

const event = pushEvent('host_a');

describe('jobOptions: the catalog as BullMQ options', () => {
  test('a callback’s job: its id is its deduplication id, kept past Tencent’s 12 minutes of retries', () => {
    const id = liveEventJobId(event);
    expect(jobOptions(jobCatalog.liveEvents, event, {})).toEqual({
      jobId: id,
      deduplication: { id, ttl: 30 * 60_000 },
      attempts: 5,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 24 * 3600 },
    });
  });

  test('a room’s reconcile: one per room, moved by a new request, kept while one runs; attempts from the settings', () => {
    const options = jobOptions(jobCatalog.reconcile, { roomId: 'r1' }, { MIX_RETRY_MAX_ATTEMPTS: 3 }, 299.6);
    expect(options).toEqual({
      delay: 300,
      deduplication: { id: 'room-r1', keepLastIfActive: true, reschedule: true },
      attempts: 3,
      backoff: { type: 'mix' },
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600, count: 1000 },
    });
    // A negative delay (a moment already past) is no delay.
    expect(jobOptions(jobCatalog.reconcile, { roomId: 'r1' }, { MIX_RETRY_MAX_ATTEMPTS: 3 }, -5).delay).toBe(
      0,
    );
  });

  test('a resync asked for now is dropped while one is queued; the scheduled one carries no deduplication', () => {
    const startUp: ResyncJob = { reason: 'start-up' };
    expect(jobOptions(jobCatalog.resync, startUp, {})).toMatchObject({
      deduplication: { id: 'resync-now' },
      removeOnComplete: { count: 50 },
    });
    const scheduled = scheduledJobOptions(jobCatalog.resync, {});
    expect(scheduled).not.toHaveProperty('deduplication');
    expect(scheduled).toMatchObject({ removeOnComplete: { count: 50 }, removeOnFail: { count: 50 } });
  });
});
