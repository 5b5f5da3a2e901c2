import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { QUEUES } from '../../src/queue/catalog.js';
import { useApiService } from '../support/api-service.js';

/** ADMIN_PORT: the operator surface on a port of its own, and nowhere else. */

const TOKEN = `admin-${randomUUID()}`;
const api = useApiService({ ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'silent' });

const get = (base: string | undefined, path: string, token?: string) =>
  fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('ADMIN_PORT', () => {
  test('the operator surface answers on the admin port, behind the token', async () => {
    expect(api.service.adminUrl).toBeDefined();
    expect(api.service.adminUrl).not.toBe(api.service.url);
    expect((await get(api.service.adminUrl, '/v1/rooms', TOKEN)).status).toBe(200);
    expect((await get(api.service.adminUrl, '/v1/rooms')).status).toBe(401);
    expect((await get(api.service.adminUrl, '/openapi.json', TOKEN)).status).toBe(200);
    const problem = (await (await get(api.service.adminUrl, '/v1/rooms')).json()) as { requestId: string };
    expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the queue dashboard shows every queue of the service', async () => {
    const res = await get(api.service.adminUrl, '/admin/queues/api/queues', TOKEN);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
  });

  test('the main port keeps callbacks, health and metrics, and has no operator routes', async () => {
    for (const path of ['/v1/rooms', '/ui', '/docs', '/openapi.json', '/admin/queues']) {
      expect((await get(api.service.url, path, TOKEN)).status, path).toBe(404);
    }
    expect((await get(api.service.url, '/healthz')).status).toBe(200);
    expect((await get(api.service.url, '/metrics')).status).toBe(200);
    const callback = await fetch(`${api.service.url}/callbacks/tencent`, { method: 'POST', body: '{}' });
    expect(callback.status).toBe(400);
  });

  test('callbacks are not served on the admin port', async () => {
    const callback = await fetch(`${api.service.adminUrl}/callbacks/tencent`, { method: 'POST', body: '{}' });
    expect(callback.status).toBe(404);
  });
});
