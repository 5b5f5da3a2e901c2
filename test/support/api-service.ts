import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, inject } from 'vitest';
import { type Service, startService } from '../../src/commands/service.js';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/log.js';
import { deleteNamespace } from './redis.js';

/**
 * The service's HTTP side (the API role, no workers) started in-process for the enclosing file or
 * describe, on a callback port and an admin port of its own, over the test Redis in a namespace of
 * its own that is deleted afterwards. `env` is read as the environment, over the test Redis and a
 * callback key.
 */
export function useApiService(
  env: Record<string, string>,
  log: Logger = createLogger('silent'),
): { service: Service } {
  const namespace = `api${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  let started: Service | undefined;
  beforeAll(async () => {
    const config = loadConfig({
      REDIS_URL: inject('redisUrl'),
      TENCENT_CALLBACK_KEY: 'callback-key',
      ...env,
    });
    started = await startService({
      config,
      roles: { api: true, workers: false },
      log,
      namespace,
      port: 0,
      adminPort: 0,
    });
  });
  afterAll(async () => {
    await started?.close(1000);
    const redis = new Redis(inject('redisUrl'));
    await deleteNamespace(redis, namespace);
    await redis.quit();
  });
  return {
    get service() {
      if (!started) throw new Error('the service starts in beforeAll');
      return started;
    },
  };
}
