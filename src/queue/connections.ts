import { Redis } from 'ioredis';

/**
 * Two kinds of connection, as BullMQ asks:
 * - workers block on Redis and must wait through outages (`maxRetriesPerRequest: null`);
 * - producers inside an HTTP handler must fail fast, so the receiver answers 503 at once
 *   instead of holding Tencent's request while Redis is away.
 */

export function workerConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

export function producerConnection(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 });
}

/** Waits until the client is connected (or throws after `timeoutMs`). */
export async function waitUntilConnected(client: Redis, timeoutMs = 10_000): Promise<void> {
  if (client.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not reachable within ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      client.off('ready', onReady);
    };
    client.on('ready', onReady);
  });
}
