import { createHash } from 'node:crypto';
import { serve } from '@hono/node-server';
import { Queue } from 'bullmq';
import { Hono } from 'hono';
import { Redis } from 'ioredis';

/**
 * The second ingest baseline: the receiver a user would write in ten lines — Hono, Tencent's md5
 * sign check, one BullMQ `queue.add` per callback, no validation, no dedup, no metrics. Same
 * server library and Redis as mixkeeper, so the difference is what mixkeeper's receiver adds (or
 * saves). `PORT`, `REDIS_URL`, `CALLBACK_KEY` and `QUEUE_PREFIX` from the environment.
 */

const key = process.env.CALLBACK_KEY ?? '';
const connection = new Redis(process.env.REDIS_URL ?? '', { maxRetriesPerRequest: null });
const queue = new Queue('naive-callbacks', { connection, prefix: process.env.QUEUE_PREFIX ?? 'bull' });

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/callbacks/tencent', async (c) => {
  const body = await c.req.json<{ t: number; sign: string }>();
  if (createHash('md5').update(`${key}${body.t}`).digest('hex') !== body.sign) {
    return c.json({ code: 1 }, 401);
  }
  await queue.add('callback', body);
  return c.json({ code: 0 });
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.once('SIGTERM', () =>
  server.close(() => {
    void queue.close().finally(() => {
      connection.disconnect();
      process.exit(0);
    });
  }),
);
