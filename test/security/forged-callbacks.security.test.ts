import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, test } from 'vitest';
import { callbackPolicySchema } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { eventsHandler } from '../../workers/events.js';
import { deleteNamespace, useRedis } from '../support/redis.js';
import { type ReceiverApp, receiverApp } from './receiver-app.js';

/**
 * Issue 14 §1: the callback sign is md5(key + t) and covers no body, so whoever saw one signed
 * callback holds a (t, sign) pair. What such a holder — or one with a leaked key — can make the
 * receiver do is bounded here, through the real receiver, queue, events handler and room scripts.
 */

const { redis, namespace } = useRedis();
const key = `forged-${randomUUID()}`;
const NOW = 1_800_000_000_000;
const nowS = NOW / 1000;
const log = createLogger('silent');
const opened: ReceiverApp[] = [];
afterAll(async () => {
  for (const app of opened) await app.close();
  for (let i = 0; i < opened.length; i++) await deleteNamespace(redis, `${namespace}${i}`);
  await deleteNamespace(redis, `${namespace}rooms`);
});

function receiver(policy: Record<string, string> = {}, now = () => NOW): ReceiverApp {
  const app = receiverApp({
    redis,
    namespace: `${namespace}${opened.length}`,
    callbackKey: key,
    log,
    now,
    callbackPolicy: callbackPolicySchema.parse(policy),
  });
  opened.push(app);
  return app;
}

function push(overrides: Record<string, unknown> = {}, t = nowS + 600): Record<string, unknown> {
  return {
    app: 'push.example.com',
    appname: 'live',
    stream_id: 'host_a',
    event_time: nowS,
    event_type: 1,
    sequence: '100',
    stream_param: 'mix_room=r1&mix_role=main',
    width: 540,
    height: 960,
    t,
    sign: md5Sign(key, t),
    ...overrides,
  };
}

const post = (app: ReceiverApp, body: unknown, path = '/callbacks/tencent') =>
  app.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function outcomes(app: ReceiverApp): Promise<Record<string, number>> {
  const metric = await app.metrics.callbacks.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.outcome), v.value]));
}

describe('t is an expiry (§1.1)', () => {
  test('a sign minted with t = now + 999999999 is refused; one within the validity and skew is taken', async () => {
    const app = receiver();
    const forged = await post(app, push({}, nowS + 999_999_999));
    expect(forged.status).toBe(401);
    // Just past 10 minutes + 30 s of skew: refused too.
    expect((await post(app, push({ sequence: '101' }, nowS + 631))).status).toBe(401);
    expect((await post(app, push({ sequence: '102' }, nowS + 630))).status).toBe(200);
    expect(await app.jobs()).toMatchObject({ counted: 1 });
  });

  test('the window follows CALLBACK_VALIDITY_S and CALLBACK_CLOCK_SKEW_S', async () => {
    const app = receiver({ CALLBACK_VALIDITY_S: '60', CALLBACK_CLOCK_SKEW_S: '5' });
    expect((await post(app, push({}, nowS + 66))).status).toBe(401);
    expect((await post(app, push({}, nowS + 65))).status).toBe(200);
    // The skew also bounds a t already past.
    expect((await post(app, push({ sequence: '7' }, nowS - 6))).status).toBe(401);
  });
});

describe('event_time is clamped to the receive time (§1.2)', () => {
  const store = new RoomStore(redis, { namespace: `${namespace}rooms` });
  const handle = eventsHandler({ store, now: () => NOW, requestReconcile: async () => {} });

  /** Moves what the receiver queued into the room, as the events worker does. */
  async function drain(app: ReceiverApp): Promise<string[]> {
    const jobs = await app.eventsQueue.getJobs(['waiting']);
    const results: string[] = [];
    for (const job of jobs.sort((a, b) => Number(a.timestamp) - Number(b.timestamp))) {
      results.push((await handle(job.data, { rerun: false })).outcome);
      await job.remove();
    }
    return results;
  }

  test('a forged push dated ten years ahead does not lock out the real push that follows', async () => {
    let now = NOW;
    const app = receiver({}, () => now);
    const tenYears = nowS + 10 * 365 * 86_400;
    expect((await post(app, push({ sequence: '1', event_time: tenYears }))).status).toBe(200);
    expect(await drain(app)).toEqual(['applied']);
    // The real push a moment later, of the same second.
    now = NOW + 400;
    expect((await post(app, push({ sequence: '2', event_time: nowS }))).status).toBe(200);
    expect(await drain(app)).toEqual(['applied']);
    const room = await readRoom(store, 'r1');
    expect(room?.streams.map((s) => [s.streamId, s.sequence])).toEqual([['host_a', '2']]);
    expect(room?.streams[0]?.eventTimeMs).toBe(NOW);
  });

  test('an event_time within the window is kept; one far behind is replaced too', async () => {
    const app = receiver();
    await post(app, push({ stream_id: 'g1', sequence: '5', event_time: nowS - 20 }));
    await post(app, push({ stream_id: 'g2', sequence: '6', event_time: nowS - 86_400 }));
    const jobs = await app.eventsQueue.getJobs(['waiting']);
    const times = Object.fromEntries(jobs.map((j) => [j.data.streamId, j.data.eventTimeMs]));
    expect(times).toEqual({ g1: NOW - 20_000, g2: NOW });
  });
});

describe('a secret path token (§1.3)', () => {
  const token = 'T0ken_'.repeat(6);

  test('with CALLBACK_PATH_TOKEN set, only /callbacks/tencent/<token> takes callbacks', async () => {
    const app = receiver({ CALLBACK_PATH_TOKEN: token });
    // A valid key and sign are not enough without the path.
    expect((await post(app, push())).status).toBe(401);
    expect((await post(app, push(), `/callbacks/tencent/${token.slice(0, -1)}x`)).status).toBe(401);
    expect((await post(app, push(), `/callbacks/tencent/${token}x`)).status).toBe(401);
    expect(await app.jobs()).toMatchObject({ counted: 0 });
    const ok = await post(app, push(), `/callbacks/tencent/${token}`);
    expect(ok.status).toBe(200);
    expect(await app.jobs()).toMatchObject({ counted: 1 });
  });

  test('without one, /callbacks/tencent keeps working and a token path is refused', async () => {
    const app = receiver();
    expect((await post(app, push())).status).toBe(200);
    expect((await post(app, push({ sequence: '9' }), `/callbacks/tencent/${token}`)).status).toBe(401);
  });
});

describe('allow-lists (§1.5)', () => {
  test('callbacks of another push domain, AppName or room prefix get 200, are counted and go no further', async () => {
    const app = receiver({
      CALLBACK_ALLOWED_DOMAINS: 'Push.Example.com,b.example.com',
      CALLBACK_ALLOWED_APPNAMES: 'live',
      ROOM_ID_PREFIX: 'show_',
    });
    const cases = [
      push({ app: 'evil.example.net', stream_param: 'mix_room=show_1' }),
      push({ appname: 'other', stream_param: 'mix_room=show_1' }),
      push({ stream_param: 'mix_room=r1' }),
      push({ stream_param: '' }),
      push({ event_type: 0, stream_param: 'mix_room=other_1' }),
    ];
    for (const body of cases) {
      const res = await post(app, body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ code: 0 });
    }
    expect(await app.jobs()).toMatchObject({ counted: 0, hashes: 0 });
    expect(await outcomes(app)).toEqual({ not_allowed: cases.length });
    // Inside every list: taken (domain case-insensitive).
    expect((await post(app, push({ app: 'push.example.com', stream_param: 'mix_room=show_1' }))).status).toBe(
      200,
    );
    expect(await app.jobs()).toMatchObject({ counted: 1 });
  });
});

describe('stream_param (§2)', () => {
  test('only the mix parameters read (and mixv2) reach the job: tokens and passwords in push URLs do not', async () => {
    const app = receiver();
    const secretish = `pw-${randomUUID()}`;
    await post(
      app,
      push({
        stream_param: `mix_room=r1&mix_role=main&mix_media=av&mix_layout=pk&mixv2=t_id:1;layer:b&txSecret=${secretish}&password=${secretish}&uid=${secretish}&mix_other=${secretish}`,
      }),
    );
    const [job] = await app.eventsQueue.getJobs(['waiting']);
    expect(job?.data.params).toEqual({
      mix_room: 'r1',
      mix_role: 'main',
      mix_media: 'av',
      mix_layout: 'pk',
      mixv2: 't_id:1;layer:b',
    });
    // The job as stored in Redis holds none of it either.
    const stored = await redis.hgetall(`{${namespace}${opened.length - 1}}:live-events:${job?.id}`);
    expect(stored.data).toContain('mix_room');
    expect(JSON.stringify(stored)).not.toContain(secretish);
  });
});
