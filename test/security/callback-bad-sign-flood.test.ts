import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, describe, expect, test } from 'vitest';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { captureLog } from '../support/log-capture.js';
import { useRedis } from '../support/redis.js';
import { receiverApp } from './receiver-app.js';

/**
 * A flood of wrongly signed callbacks from one address is answered 429 once it has spent its
 * budget, while authentic callbacks keep flowing — from everyone else, and from that address too.
 */

const { redis, namespace } = useRedis();
const KEY = 'flood-test-callback-key';
const LIMIT = 20;
const WINDOW_MS = 60_000;
let nowMs = 1_800_000_000_000;
const captured = captureLog('debug');
const receiver = receiverApp({
  redis,
  namespace,
  callbackKey: KEY,
  log: captured.log,
  now: () => nowMs,
  callbackGuard: { CALLBACK_BAD_SIGN_LIMIT: LIMIT, CALLBACK_BAD_SIGN_WINDOW_MS: WINDOW_MS },
});
const viaProxy = receiverApp({
  redis,
  namespace: `${namespace}p`,
  callbackKey: KEY,
  log: captured.log,
  now: () => nowMs,
  callbackGuard: {
    CALLBACK_BAD_SIGN_LIMIT: LIMIT,
    CALLBACK_BAD_SIGN_WINDOW_MS: WINDOW_MS,
    CALLBACK_CLIENT_IP_HEADER: 'x-forwarded-for',
  },
});
afterAll(async () => {
  await receiver.close();
  await viaProxy.close();
});

let sequence = 1000;
function callback(sign: 'right' | 'wrong' | 'expired', streamId = 'host_a') {
  const t = sign === 'expired' ? nowMs / 1000 - 120 : nowMs / 1000 + 600;
  sequence += 1;
  return JSON.stringify({
    event_type: 1,
    stream_id: streamId,
    sequence: String(sequence),
    stream_param: 'mix_room=r1',
    event_time: nowMs / 1000,
    t,
    sign: sign === 'wrong' ? md5Sign('not-the-key', t) : md5Sign(KEY, t),
  });
}

/** As the node adapter would give it: the socket's peer address. */
const from = (app: typeof receiver, address: string, body: string, headers: Record<string, string> = {}) =>
  app.app.request(
    '/callbacks/tencent',
    { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body },
    { incoming: { socket: { remoteAddress: address } } },
  );

describe('wrong-sign budget per client address', () => {
  test('500 forged callbacks from one address: 401 × limit, then 429; authentic ones all taken', async () => {
    const attacker = '198.51.100.7';
    const tencent = '203.0.113.10';
    const forged: number[] = [];
    const authentic: number[] = [];
    const fromAttackerAuthentic: number[] = [];
    for (let i = 0; i < 500; i++) {
      forged.push((await from(receiver, attacker, callback('wrong'))).status);
      if (i % 10 === 0)
        authentic.push((await from(receiver, tencent, callback('right', `tencent_${i}`))).status);
      if (i % 25 === 0)
        fromAttackerAuthentic.push((await from(receiver, attacker, callback('right', `shared_${i}`))).status);
    }
    expect(forged.slice(0, LIMIT)).toEqual(Array(LIMIT).fill(401));
    expect(forged.slice(LIMIT)).toEqual(Array(500 - LIMIT).fill(429));
    expect(authentic).toEqual(Array(50).fill(200));
    // Behind a proxy every client may share one address: the good ones must never be silenced.
    expect(fromAttackerAuthentic).toEqual(Array(20).fill(200));
    expect((await receiver.jobs()).counted).toBe(70);

    const limited = await from(receiver, attacker, callback('wrong'));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ code: 'rate_limited' });
    // Another address still has its whole budget.
    expect((await from(receiver, '192.0.2.1', callback('wrong'))).status).toBe(401);
    // One warning per window, naming the address, not the sign.
    const warnings = captured.lines().filter((l) => String(l.msg).includes('over the budget'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ client: attacker, level: 40 });

    // The window ends: the address starts again from 401.
    nowMs += WINDOW_MS;
    expect((await from(receiver, attacker, callback('wrong'))).status).toBe(401);
  });

  test('a right sign with an expired t does not spend the budget', async () => {
    const replayer = '198.51.100.99';
    const statuses = [];
    for (let i = 0; i < LIMIT * 3; i++)
      statuses.push((await from(receiver, replayer, callback('expired'))).status);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect((await from(receiver, replayer, callback('wrong'))).status).toBe(401);
  });

  test('behind a proxy (CALLBACK_CLIENT_IP_HEADER=x-forwarded-for) the last entry is the client', async () => {
    const proxy = '10.0.0.2';
    const flood = async (xff: string, n: number) => {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++)
        statuses.push((await from(viaProxy, proxy, callback('wrong'), { 'x-forwarded-for': xff })).status);
      return statuses;
    };
    // The client writes whatever it likes first; the proxy appends the address it saw.
    const attacker = await flood('1.2.3.4, 198.51.100.8', LIMIT + 5);
    const spoofing = await flood('9.9.9.9, 198.51.100.8', 5);
    const neighbour = await flood('198.51.100.9', 3);
    expect(attacker.slice(LIMIT)).toEqual(Array(5).fill(429));
    expect(spoofing).toEqual(Array(5).fill(429));
    expect(neighbour).toEqual([401, 401, 401]);
  });

  test('on a real socket the peer address is the key', async () => {
    const server = serve({ fetch: receiver.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/tencent`;
      const post = async (body: string) =>
        (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status;
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 3; i++) statuses.push(await post(callback('wrong')));
      expect(statuses.slice(LIMIT)).toEqual([429, 429, 429]);
      expect(await post(callback('right', 'over_tcp'))).toBe(200);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
