import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The ingest baseline: the same server library (Hono on @hono/node-server) answering the callback
 * route with `{"code":0}` after reading the body, and nothing else — no signature, no validation,
 * no Redis. What mixkeeper's receiver adds is the difference. `PORT` from the environment.
 */

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));
app.post('/callbacks/tencent', async (c) => {
  await c.req.text();
  return c.json({ code: 0 });
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' });
process.once('SIGTERM', () => server.close(() => process.exit(0)));
