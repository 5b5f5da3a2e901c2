import { Queue } from 'bullmq';
import { afterAll, describe, expect, test } from 'vitest';
import { pushEvent } from '../../test/support/live-event.js';
import { useRedis } from '../../test/support/redis.js';
import type { LiveEvent } from '../tencent/callback.js';
import { addJobs, storedOptionsTemplate } from './add-jobs-script.js';
import { jobOptions } from './bullmq.js';
import { jobCatalog, liveEventJobId } from './catalog.js';

/** The batch script stores what `queue.add` stores: same hash, same lists, same dedup key. Real Redis. */

const event = (streamId: string, sequence = '7'): LiveEvent => pushEvent(streamId, { sequence });

describe('addJobs: BullMQ’s addStandardJob, once per job, in one call', () => {
  const { redis, namespace } = useRedis();
  const viaAdd = new Queue<LiveEvent>('live-events', { connection: redis, prefix: `{${namespace}a}` });
  const viaScript = new Queue<LiveEvent>('live-events', { connection: redis, prefix: `{${namespace}}` });
  afterAll(async () => {
    await viaAdd.obliterate({ force: true }).catch(() => {});
    await Promise.all([viaAdd.close(), viaScript.close()]);
  });
  const template = storedOptionsTemplate(viaScript, jobOptions(jobCatalog.liveEvents, event('x'), {}));
  const toAdd = (e: LiveEvent) => {
    const id = liveEventJobId(e);
    return { name: e.kind, data: JSON.stringify(e), jobId: id, dedupId: id };
  };

  test('each job is stored as queue.add stores it, and a worker-side read gives the same job', async () => {
    const events = [event('host_a'), event('host_b'), event('host_c', '8')];
    for (const e of events) await viaAdd.add(e.kind, e, jobOptions(jobCatalog.liveEvents, e, {}));
    const ids = await addJobs(viaScript, template, events.map(toAdd));
    expect(ids).toEqual(events.map((e) => liveEventJobId(e)));

    for (const e of events) {
      const id = liveEventJobId(e);
      const [stored, reference] = await Promise.all([
        redis.hgetall(`{${namespace}}:live-events:${id}`),
        redis.hgetall(`{${namespace}a}:live-events:${id}`),
      ]);
      const { timestamp, opts, ...rest } = stored;
      const { timestamp: refTimestamp, opts: refOpts, ...refRest } = reference;
      expect(rest).toEqual(refRest);
      // Lua tables have no key order: compare the options as objects.
      expect(JSON.parse(opts ?? '')).toEqual(JSON.parse(refOpts ?? ''));
      expect(Number(timestamp)).toBeGreaterThan(0);
      expect(refTimestamp).toBeDefined();
      const job = await viaScript.getJob(id);
      expect(job?.data).toEqual(e);
      expect(job?.opts).toEqual((await viaAdd.getJob(id))?.opts);
    }
    expect(await viaScript.getWaitingCount()).toBe(3);
    expect(await redis.lrange(`{${namespace}}:live-events:wait`, 0, -1)).toEqual(
      await redis.lrange(`{${namespace}a}:live-events:wait`, 0, -1),
    );
    // The deduplication key lives the catalog's 30 minutes, as queue.add leaves it.
    const id = liveEventJobId(events[0]!);
    const ttl = await redis.pttl(`{${namespace}}:live-events:de:${id}`);
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(await redis.get(`{${namespace}}:live-events:de:${id}`)).toBe(
      await redis.get(`{${namespace}a}:live-events:de:${id}`),
    );
  });

  test('a retry, alone or twice in one call, is answered with the kept id and stores nothing more', async () => {
    const again = event('host_a');
    const fresh = event('host_d');
    const waitingBefore = await viaScript.getWaitingCount();
    const ids = await addJobs(viaScript, template, [toAdd(again), toAdd(fresh), toAdd(fresh)]);
    expect(ids).toEqual([liveEventJobId(again), liveEventJobId(fresh), liveEventJobId(fresh)]);
    expect(await viaScript.getWaitingCount()).toBe(waitingBefore + 1);
  });

  test('an empty call stores nothing', async () => {
    expect(await addJobs(viaScript, template, [])).toEqual([]);
  });
});
