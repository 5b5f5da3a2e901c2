import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { HonoAdapter } from '@bull-board/hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Queue } from 'bullmq';
import type { Hono } from 'hono';
import { CREDENTIAL_PARAM } from '../tencent/callback.js';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board over every queue, read-only: retrying or removing a reconcile job by hand would
 * bypass its per-room deduplication (a removed job frees the id, so two could run), and a forced
 * reconcile is `POST /v1/rooms/:id/reconcile` anyway. Authentication is the caller's.
 */
export function queueDashboard(queues: Queue[]): Hono {
  const board = new HonoAdapter(serveStatic);
  createBullBoard({
    queues: queues.map((queue) => {
      const adapter = new BullMQAdapter(queue, { readOnlyMode: true });
      adapter.setFormatter('data', (data: unknown) => redactSecrets(data));
      return adapter;
    }),
    serverAdapter: board,
    options: { uiConfig: { boardTitle: 'mixkeeper queues' } },
  });
  board.setBasePath(QUEUE_DASHBOARD_PATH);
  return board.registerPlugin();
}

/**
 * Job data as the dashboard shows it: values under credential-looking keys replaced. The receiver
 * already drops such stream params (`toLiveEvent`), so this is the second line of defence, with the
 * same rule.
 */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      CREDENTIAL_PARAM.test(key) ? '[redacted]' : redactSecrets(inner),
    ]),
  );
}
