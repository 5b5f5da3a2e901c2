import type { Redis } from 'ioredis';

/**
 * Every key of a namespace (room keys `ns:…` and BullMQ keys `{ns}:…`) with its value as text,
 * whatever its type: what a test scans when it must prove something was never stored.
 */
export async function dumpNamespace(redis: Redis, namespace: string): Promise<Map<string, string>> {
  const dump = new Map<string, string>();
  for (const pattern of [`${namespace}:*`, `{${namespace}}:*`]) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) dump.set(key, await readAsText(redis, key));
    } while (cursor !== '0');
  }
  return dump;
}

async function readAsText(redis: Redis, key: string): Promise<string> {
  switch (await redis.type(key)) {
    case 'string':
      return (await redis.get(key)) ?? '';
    case 'hash':
      return JSON.stringify(await redis.hgetall(key));
    case 'list':
      return JSON.stringify(await redis.lrange(key, 0, -1));
    case 'set':
      return JSON.stringify(await redis.smembers(key));
    case 'zset':
      return JSON.stringify(await redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES'));
    case 'stream':
      return JSON.stringify(await redis.xrange(key, '-', '+'));
    default:
      return '';
  }
}
