import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';

/**
 * A real Redis connection for one test file, with a namespace of its own so files can run in
 * parallel on the shared test server. Keys under the namespace are deleted after the file.
 */
export function useRedis(): { redis: Redis; url: string; namespace: string } {
  const url = inject('redisUrl');
  const namespace = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  afterAll(async () => {
    await deleteNamespace(redis, namespace);
    await redis.quit();
  });
  return { redis, url, namespace };
}

/** Deletes room keys (`ns:…`) and BullMQ keys (`{ns}:…`) of a namespace. */
export async function deleteNamespace(redis: Redis, namespace: string): Promise<void> {
  for (const pattern of [`${namespace}:*`, `{${namespace}}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  }
}
