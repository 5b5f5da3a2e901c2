import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import type { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startLocalRedis } from '../../src/commands/local-redis.js';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/log.js';
import { createMetrics } from '../../src/metrics.js';
import { liveEventJobId, QUEUES } from '../../src/queue/catalog.js';
import { producerConnection, waitUntilConnected } from '../../src/queue/connections.js';
import { type LiveEvent, streamCallbackSchema, toLiveEvent } from '../../src/tencent/callback.js';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { useRedis } from '../support/redis.js';

const KEY = 'receiver-test-key';
const NOW = 1_800_000_000_000;

function harness(redis: Redis, namespace: string, previousCallbackKey?: string) {
  const eventsQueue = new Queue<LiveEvent>(QUEUES.liveEvents, {
    connection: redis,
    prefix: `{${namespace}}`,
  });
  const metrics = createMetrics();
  const app = createApp({
    callbackKey: KEY,
    previousCallbackKey,
    redis,
    eventsQueue,
    queues: [eventsQueue],
    metrics,
    log: createLogger('silent'),
    now: () => NOW,
  });
  return { app, eventsQueue, metrics };
}

function callback(overrides: Record<string, unknown> = {}) {
  const t = NOW / 1000 + 600;
  return {
    app: 'push.example.com',
    appid: 1252500000,
    appname: 'live',
    stream_id: 'host_a',
    channel_id: 'host_a',
    event_time: NOW / 1000,
    event_type: 1,
    sequence: '2210464508206756938',
    stream_param: 'mix_room=r1&mix_role=main&txSecret=abc&txTime=5C271099',
    errcode: 0,
    errmsg: 'ok',
    width: 540,
    height: 960,
    t,
    sign: md5Sign(KEY, t),
    ...overrides,
  };
}

const post = (app: Hono, body: unknown, headers: Record<string, string> = {}) =>
  app.request('/callbacks/tencent', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('POST /callbacks/tencent', () => {
  const { redis, namespace } = useRedis();
  const { app, eventsQueue, metrics } = harness(redis, namespace);
  afterAll(() => eventsQueue.close());

  test('an authentic push is stored as one job before {"code":0}; its retry is the same job', async () => {
    const body = callback();
    const res = await post(app, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ code: 0 });
    const id = liveEventJobId({ kind: 'push', streamId: 'host_a', sequence: '2210464508206756938' });
    const job = await eventsQueue.getJob(id);
    expect(job?.data).toMatchObject({
      kind: 'push',
      streamId: 'host_a',
      sequence: '2210464508206756938',
      receivedAt: NOW,
      params: { mix_room: 'r1', mix_role: 'main' },
    });
    expect((await post(app, body)).status).toBe(200);
    expect(await eventsQueue.getJobCountByTypes('waiting', 'active', 'completed')).toBe(1);
    // the retry guard outlives the job: Tencent retries for ~12 minutes
    const ttl = await redis.pttl(`{${namespace}}:live-events:de:${id}`);
    expect(ttl).toBeGreaterThan(25 * 60_000);
  });

  test('a disconnect is stored as the event the worker reads, with its reason', async () => {
    const body = callback({
      event_type: 0,
      stream_id: 'guest_r',
      sequence: '88',
      errcode: 21,
      sub_errcode: 102,
      errmsg: 'replaced',
    });
    expect((await post(app, body)).status).toBe(200);
    const job = await eventsQueue.getJob(
      liveEventJobId({ kind: 'disconnect', streamId: 'guest_r', sequence: '88' }),
    );
    expect(job?.data).toEqual(toLiveEvent(streamCallbackSchema.parse(body), NOW));
    expect(job?.data).toMatchObject({ kind: 'disconnect', errcode: 21, subErrcode: 102, errmsg: 'replaced' });
  });

  test('job data carries no sign, t or key', async () => {
    await post(app, callback({ stream_id: 'host_z', sequence: '77' }));
    const job = await eventsQueue.getJob(
      liveEventJobId({ kind: 'push', streamId: 'host_z', sequence: '77' }),
    );
    const stored = JSON.stringify(job?.data);
    expect(stored).not.toContain(md5Sign(KEY, NOW / 1000 + 600));
    expect(stored).not.toContain(KEY);
    expect(job?.data).not.toHaveProperty('sign');
    expect(job?.data).not.toHaveProperty('t');
    expect(job?.data.params).not.toHaveProperty('txSecret');
  });

  test('a bad sign or an expired t is 401 with the same answer', async () => {
    const bad = await post(app, callback({ sign: md5Sign('other', NOW / 1000 + 600) }));
    const t = NOW / 1000 - 3600;
    const expired = await post(app, callback({ t, sign: md5Sign(KEY, t) }));
    expect(bad.status).toBe(401);
    expect(expired.status).toBe(401);
    const [a, b] = [
      (await bad.json()) as { code: string; message: string },
      (await expired.json()) as { message: string },
    ];
    expect(a.message).toBe(b.message);
    expect(a.code).toBe('unauthorized');
  });

  test('not JSON, or not the schema, is 400', async () => {
    expect((await post(app, '{"event_type":1,')).status).toBe(400);
    expect((await post(app, { hello: 'world' })).status).toBe(400);
    expect((await post(app, callback({ stream_id: 42 }))).status).toBe(400);
    // The worker's event refuses it: a 200 would leave a job failing every attempt.
    expect((await post(app, callback({ event_time: -1 }))).status).toBe(400);
  });

  test('authentic event types it does not act on are 200, ignored and counted', async () => {
    const before = await eventsQueue.count();
    const res = await post(app, callback({ event_type: 100, stream_id: 'rec' }));
    expect(res.status).toBe(200);
    expect(await eventsQueue.count()).toBe(before);
    expect(await metrics.registry.getSingleMetricAsString('mixkeeper_callbacks_total')).toMatch(
      /outcome="ignored"} 1/,
    );
  });

  test('a stream id the mix API cannot take is 200 and stored as unmixable', async () => {
    const res = await post(app, callback({ stream_id: 'host-a.cam', sequence: '5' }));
    expect(res.status).toBe(200);
    const job = await eventsQueue.getJob(
      liveEventJobId({ kind: 'push', streamId: 'host-a.cam', sequence: '5' }),
    );
    expect(job?.data.unmixable).toMatch(/letters, digits or underscores/);
  });

  describe('the 16 KB body limit, over a real socket', () => {
    let port = 0;
    let server: ReturnType<typeof serve>;
    beforeAll(async () => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    /**
     * POSTs `chunks` to the receiver with `headers`, and gives the status, or 0 when no answer
     * comes within `waitMs` (the request is then abandoned).
     */
    const send = (headers: Record<string, string | number>, chunks: string[], waitMs = 3000) =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          { port, host: '127.0.0.1', method: 'POST', path: '/callbacks/tencent', headers },
          (res) => {
            res.resume();
            clearTimeout(timer);
            resolve(res.statusCode ?? 0);
          },
        );
        const timer = setTimeout(() => {
          req.destroy();
          resolve(0);
        }, waitMs);
        // The server may answer and close before the whole body is written.
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
          clearTimeout(timer);
          reject(error);
        });
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });

    /** A signed push padded with trailing JSON whitespace to exactly `bytes` bytes. */
    function paddedBody(bytes: number, sequence: string): string {
      const json = JSON.stringify(callback({ stream_id: 'host_len', sequence }));
      const body = json.padEnd(bytes, ' ');
      expect(Buffer.byteLength(body)).toBe(bytes);
      return body;
    }
    const stored = (sequence: string) =>
      eventsQueue.getJob(liveEventJobId({ kind: 'push', streamId: 'host_len', sequence }));

    test('over app.request (no length): 413', async () => {
      const big = JSON.stringify(callback({ errmsg: 'x'.repeat(17_000) }));
      expect((await post(app, big)).status).toBe(413);
    });

    test('a declared Content-Length of 17000 is 413 before any of the body is read', async () => {
      // Only 1 KB is ever sent: an answer can only come from the declared length.
      const status = await send({ 'content-type': 'application/json', 'content-length': 17_000 }, [
        'x'.repeat(1024),
      ]);
      expect(status).toBe(413);
    });

    test('chunked, no length: 413 once more than 16 KB arrived', async () => {
      const chunks = Array.from({ length: 20 }, () => 'x'.repeat(1024));
      expect(await send({ 'transfer-encoding': 'chunked' }, chunks)).toBe(413);
    });

    test('a chunked, signed callback of about 1 KB is 200 and stored as one job', async () => {
      const body = paddedBody(1024, '9001');
      const chunks = [body.slice(0, 300), body.slice(300, 700), body.slice(700)];
      const before = await eventsQueue.getJobCountByTypes('waiting', 'active', 'completed');
      const status = await send(
        { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        chunks,
      );
      expect(status).toBe(200);
      expect(await eventsQueue.getJobCountByTypes('waiting', 'active', 'completed')).toBe(before + 1);
      expect((await stored('9001'))?.data).toMatchObject({
        kind: 'push',
        streamId: 'host_len',
        sequence: '9001',
      });
    });

    test('a body of exactly 16384 bytes is within the limit', async () => {
      const body = paddedBody(16_384, '9002');
      const withLength = await send(
        { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        [body],
      );
      expect(withLength).toBe(200);
      expect(await stored('9002')).toBeDefined();
      const chunked = await send({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, [
        body.slice(0, 8000),
        body.slice(8000),
      ]);
      expect(chunked).toBe(200);
      const over = paddedBody(16_385, '9003');
      expect(await send({ 'content-type': 'application/json', 'content-length': 16_385 }, [over])).toBe(413);
    });
  });
});

describe('during a callback key rotation (TENCENT_CALLBACK_KEY_PREVIOUS)', () => {
  const { redis, namespace } = useRedis();
  const { app, eventsQueue } = harness(redis, namespace, 'the-key-rotated-out');
  afterAll(() => eventsQueue.close());
  const t = NOW / 1000 + 600;

  test('callbacks signed with the new or the previous key are both stored', async () => {
    const current = await post(app, callback({ sequence: '1', sign: md5Sign(KEY, t) }));
    const previous = await post(app, callback({ sequence: '2', sign: md5Sign('the-key-rotated-out', t) }));
    expect([current.status, previous.status]).toEqual([200, 200]);
    expect(await eventsQueue.getJobCountByTypes('waiting', 'active', 'completed')).toBe(2);
  });

  test('any other key is still 401', async () => {
    const res = await post(app, callback({ sequence: '3', sign: md5Sign('a-third-key', t) }));
    expect(res.status).toBe(401);
    expect(await eventsQueue.getJobCountByTypes('waiting', 'active', 'completed')).toBe(2);
  });
});

describe('GET /metrics', () => {
  const { redis, namespace } = useRedis();
  const { app, eventsQueue } = harness(redis, namespace);
  afterAll(() => eventsQueue.close());

  test('exposes callbacks by outcome and queue depths in Prometheus text', async () => {
    await post(app, callback({ stream_id: 'm1', sequence: '1' }));
    await post(app, callback({ sign: 'nope' }));
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/mixkeeper_callbacks_total\{outcome="enqueued"\} 1/);
    expect(text).toMatch(/mixkeeper_callbacks_total\{outcome="unauthorized"\} 1/);
    expect(text).toMatch(/mixkeeper_queue_jobs\{queue="live-events",state="waiting"\} 1/);
  });
});

describe('when Redis cannot take the job', () => {
  let stopRedis: () => Promise<void>;
  let h: ReturnType<typeof harness>;
  let producer: Redis;

  beforeAll(async () => {
    const server = await startLocalRedis();
    stopRedis = () => server.kill();
    producer = producerConnection(server.url);
    producer.on('error', () => {});
    await waitUntilConnected(producer);
    h = harness(producer, 'down');
    h.eventsQueue.on('error', () => {});
    await h.eventsQueue.waitUntilReady();
    await server.kill();
  });
  afterAll(async () => {
    await h.eventsQueue.close().catch(() => {});
    producer.disconnect();
    await stopRedis();
  });

  test('the receiver answers 503 at once, never 200', async () => {
    const started = performance.now();
    const res = await post(h.app, callback());
    expect(res.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  test('/readyz says so', async () => {
    expect((await h.app.request('/readyz')).status).toBe(503);
    expect((await h.app.request('/healthz')).status).toBe(200);
  });
});
