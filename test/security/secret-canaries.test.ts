import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { memoryDestination } from '../support/log-capture.js';
import { deleteNamespace } from '../support/redis.js';
import { dumpNamespace } from '../support/redis-dump.js';
import { type Backend, startStack } from '../support/stack.js';

/**
 * Canary secrets through the whole system: the simulator and mixkeeper (receiver, workers, operator
 * surface) on a real Redis, logging at debug into memory. Rooms mix, change, fail and stop; forged
 * callbacks carry canary signs; operators read every surface. Then no secret (callback key, mix
 * key, API 3.0 credentials, admin token), no sign a callback or a mix request carried, and no
 * presented-but-wrong token may be found in the logs, in anything stored in Redis (BullMQ job
 * data, room state, audit), or in any answer.
 */

const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: null });
afterAll(() => redis.quit());

const HEX32 = /[0-9a-f]{32}/gi;

describe('secret canaries', () => {
  test.each<Backend>(['legacy', 'api3'])(
    '%s backend: no secret or sign in logs, Redis or answers',
    async (backend) => {
      const logs = memoryDestination();
      const stack = await startStack({ LOG_LEVEL: 'debug' }, { backend, logDestination: logs });
      const namespace = stack.service.store.namespace;
      const startS = Math.floor(Date.now() / 1000);
      const canarySigns = Array.from({ length: 40 }, () => randomBytes(16).toString('hex'));
      const wrongToken = `wrong-token-${randomUUID()}`;
      const answers: string[] = [];
      try {
        // Rooms mix, re-lay out, stop; one fails with a permanent code.
        await stack.push('host_a', { mix_room: 'canary1', mix_role: 'main' });
        await stack.push('guest_b', { mix_room: 'canary1' });
        await stack.until(async () => expect((await stack.room('canary1'))?.status).toBe('mixing'));
        await stack.push('guest_c', { mix_room: 'canary1' });
        await stack.until(async () => expect((await stack.starts()).length).toBeGreaterThanOrEqual(2));
        await stack.stop('guest_b');
        await stack.stop('guest_c');
        await stack.until(async () => expect((await stack.room('canary1'))?.status).toBe('idle'));
        await stack.faults({ seed: 3, script: [{ op: 'start', code: -2, times: 1 }] });
        await stack.push('host_x', { mix_room: 'canary2', mix_role: 'main' });
        await stack.push('guest_y', { mix_room: 'canary2' });
        await stack.until(async () => expect((await stack.room('canary2'))?.status).toBe('failed'));

        // Forged callbacks with canary signs, straight at the receiver.
        const url = stack.service.url!;
        for (const sign of canarySigns) {
          const t = startS + 600;
          const res = await fetch(`${url}/callbacks/tencent`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              event_type: 1,
              stream_id: 'forged',
              stream_param: 'mix_room=canary1',
              t,
              sign,
            }),
          });
          expect([401, 429]).toContain(res.status);
          answers.push(await res.text());
        }

        // Operators read every surface; someone tries a wrong token.
        const auth = { authorization: `Bearer ${stack.adminToken}` };
        const reads: [string, RequestInit][] = [
          ...[
            '/v1/rooms',
            '/v1/rooms/canary1',
            '/v1/rooms/canary2',
            '/v1/rooms/canary1/events',
            '/v1/rooms/canary2/events',
            '/v1/rooms/canary1/layout.svg',
            '/v1/rooms/canary1/applied.svg',
            '/ui',
            '/ui/rooms/canary2',
            '/admin/queues/api/queues',
            '/openapi.json',
            '/metrics',
            '/healthz',
            '/readyz',
          ].map((path): [string, RequestInit] => [path, { headers: auth }]),
          ...['canary1', 'canary2'].map((room): [string, RequestInit] => [
            `/v1/rooms/${room}/plan`,
            planRequest(auth, { join: [{ streamId: 'guest_d' }] }),
          ]),
          ['/v1/rooms/canary1', { headers: { authorization: `Bearer ${wrongToken}` } }],
          ['/ui/login', loginForm(stack.adminToken)],
          ['/ui/login', loginForm(wrongToken)],
        ];
        const dryRuns: { path: string; status: number; text: string }[] = [];
        for (const [path, init] of reads) {
          const res = await fetch(`${stack.service.adminUrl ?? url}${path}`, { ...init, redirect: 'manual' });
          const text = await res.text();
          answers.push(`${path} ${res.status} ${JSON.stringify([...res.headers])} ${text}`);
          if (path.endsWith('/plan')) dryRuns.push({ path, status: res.status, text });
        }
        // The dry run answers with the request body it would send: it must be scanned too.
        expect(dryRuns.map((run) => `${run.path} ${run.status}`)).toEqual([
          '/v1/rooms/canary1/plan 200',
          '/v1/rooms/canary2/plan 200',
        ]);
        const dryRunRequests = dryRuns.map((run) => (JSON.parse(run.text) as { request: unknown }).request);
        expect(dryRunRequests.map((request) => request !== null)).toEqual([true, true]);
        // Everything the run set going has run and logged before the scans.
        await stack.settled();

        const endS = Math.ceil(Date.now() / 1000);
        const config = stack.config;
        const secrets = [
          config.TENCENT_CALLBACK_KEY,
          config.TENCENT_MIX_KEY,
          config.ADMIN_TOKEN,
          config.TENCENT_SECRET_KEY,
          config.TENCENT_SECRET_ID,
          wrongToken,
        ].filter((s): s is string => s !== undefined);
        // Every sign that was valid during the run (callbacks and mix requests are signed md5(key + t),
        // t a few minutes ahead), the signs the simulator's callbacks carried, and the canaries.
        const signs = new Set(canarySigns);
        for (let t = startS - 5; t <= endS + 900; t++) {
          signs.add(md5Sign(config.TENCENT_CALLBACK_KEY!, t));
          if (config.TENCENT_MIX_KEY) signs.add(md5Sign(config.TENCENT_MIX_KEY, t));
        }
        const callbacks = stack.sim.callbacks();
        for (const cb of callbacks) signs.add(md5Sign(config.TENCENT_CALLBACK_KEY!, Number(cb.body.t)));

        const stored = await dumpNamespace(redis, namespace);
        const haystacks = {
          logs: logs.text(),
          redis: [...stored].map(([key, value]) => `${key} ${value}`).join('\n'),
          answers: answers.join('\n'),
        };
        // The scans look where the secrets would be: lots of debug lines, jobs and rooms stored, answers read.
        expect(logs.lines().filter((l) => l.level === 20).length).toBeGreaterThan(5);
        expect([...stored.keys()].some((k) => k.includes(':live-events:ev-'))).toBe(true);
        expect(haystacks.redis).toContain('guest_b');
        expect(haystacks.answers).toContain('canary2');
        expect(callbacks.length).toBeGreaterThan(5);

        for (const [where, text] of Object.entries(haystacks)) {
          for (const secret of secrets) expect(text.includes(secret), `a secret in ${where}`).toBe(false);
          const leaked = (text.match(HEX32) ?? []).filter((hex) => signs.has(hex.toLowerCase()));
          expect(leaked, `signs in ${where}`).toEqual([]);
        }
        // Request signatures of API 3.0 travel in the Authorization header: it must never be written down.
        for (const where of ['logs', 'redis'] as const) {
          expect(haystacks[where]).not.toMatch(/TC3-HMAC-SHA256|Signature=/);
        }
        console.info(
          `secret canaries (${backend}): ${logs.lines().length} log lines, ${stored.size} Redis keys, ` +
            `${answers.length} answers scanned for ${secrets.length} secrets and ${signs.size} signs`,
        );
      } finally {
        await stack.close();
        await deleteNamespace(redis, namespace);
      }
    },
    60_000,
  );
});

function planRequest(auth: Record<string, string>, body: unknown): RequestInit {
  return {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function loginForm(token: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' },
    body: new URLSearchParams({ token, next: '/ui' }).toString(),
  };
}
