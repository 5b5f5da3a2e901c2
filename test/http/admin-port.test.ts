import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Service, startService } from '../../src/commands/service.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { QUEUES } from '../../src/queue/catalog.js';
import { deleteNamespace } from '../support/redis.js';

/** ADMIN_PORT: the operator surface on a port of its own, and nowhere else. */

const TOKEN = `admin-${randomUUID()}`;
const namespace = `ap${randomUUID().replaceAll('-', '').slice(0, 10)}`;
let service: Service;

beforeAll(async () => {
  const config = loadConfig({
    REDIS_URL: inject('redisUrl'),
    TENCENT_CALLBACK_KEY: 'callback-key',
    ADMIN_TOKEN: TOKEN,
    LOG_LEVEL: 'silent',
  });
  service = await startService({
    config,
    roles: { api: true, workers: false },
    log: createLogger('silent'),
    namespace,
    port: 0,
    adminPort: 0,
  });
});

afterAll(async () => {
  await service.close(1000);
  const redis = new Redis(inject('redisUrl'));
  await deleteNamespace(redis, namespace);
  await redis.quit();
});

const get = (base: string | undefined, path: string, token?: string) =>
  fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

describe('ADMIN_PORT', () => {
  test('the operator surface answers on the admin port, behind the token', async () => {
    expect(service.adminUrl).toBeDefined();
    expect(service.adminUrl).not.toBe(service.url);
    expect((await get(service.adminUrl, '/v1/rooms', TOKEN)).status).toBe(200);
    expect((await get(service.adminUrl, '/v1/rooms')).status).toBe(401);
    expect((await get(service.adminUrl, '/openapi.json', TOKEN)).status).toBe(200);
    const problem = (await (await get(service.adminUrl, '/v1/rooms')).json()) as { requestId: string };
    expect(problem.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('the queue dashboard shows every queue of the service', async () => {
    const res = await get(service.adminUrl, '/admin/queues/api/queues', TOKEN);
    const body = (await res.json()) as { queues: { name: string }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(Object.values(QUEUES).sort());
  });

  test('the main port keeps callbacks, health and metrics, and has no operator routes', async () => {
    for (const path of ['/v1/rooms', '/ui', '/docs', '/openapi.json', '/admin/queues']) {
      expect((await get(service.url, path, TOKEN)).status, path).toBe(404);
    }
    expect((await get(service.url, '/healthz')).status).toBe(200);
    expect((await get(service.url, '/metrics')).status).toBe(200);
    const callback = await fetch(`${service.url}/callbacks/tencent`, { method: 'POST', body: '{}' });
    expect(callback.status).toBe(400);
  });

  test('callbacks are not served on the admin port', async () => {
    const callback = await fetch(`${service.adminUrl}/callbacks/tencent`, { method: 'POST', body: '{}' });
    expect(callback.status).toBe(404);
  });
});
