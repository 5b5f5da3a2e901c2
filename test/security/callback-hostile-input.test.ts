import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { CALLBACK_BODY_LIMIT } from '../../src/http/callbacks.js';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { mb, readHeap } from '../support/heap.js';
import { captureLog } from '../support/log-capture.js';
import { useRedis } from '../support/redis.js';
import { hostileBodyArb } from './hostile-callbacks.js';
import { receiverApp } from './receiver-app.js';

/**
 * 10,000 generated hostile bodies through the real receiver and a real queue: none may get a 5xx,
 * none may become a job, memory stays bounded, and neither the key nor a valid sign comes back in
 * an answer or a log line.
 */

const BODIES = Number(process.env.HOSTILE_BODIES) || 10_000;
/** Heap growth allowed over the run, after collection: generous (about +4 MB is measured), yet a
 *  leak of 2.5 kB per body — less than most bodies' own size — would exceed it. */
const HEAP_GROWTH_LIMIT = 24 * 1024 * 1024;

const { redis, namespace } = useRedis();
const key = `canary-callback-key-${randomUUID()}`;
const nowMs = 1_800_000_000_000;
const captured = captureLog('debug');
const receiver = receiverApp({ redis, namespace, callbackKey: key, log: captured.log, now: () => nowMs });
afterAll(() => receiver.close());

describe('hostile callback bodies', () => {
  test(`${BODIES} generated bodies: no 5xx, no job, bounded memory, nothing secret echoed or logged`, async () => {
    const tally = new Map<string, number>();
    /** Every valid sign a body carried: none may be echoed or logged. */
    const validSigns = new Set<string>();
    const nowS = nowMs / 1000;
    for (let t = nowS - 40; t <= nowS + 3600; t++) validSigns.add(md5Sign(key, t));

    const before = await readHeap();
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(hostileBodyArb({ key, nowMs, bodyLimit: CALLBACK_BODY_LIMIT }), async (hostile) => {
        const res = await receiver.app.request('/callbacks/tencent', {
          method: 'POST',
          headers: hostile.contentType ? { 'content-type': hostile.contentType } : {},
          body: hostile.body,
        });
        const answer = await res.text();
        const seen = `${hostile.kind} → ${res.status}`;
        tally.set(seen, (tally.get(seen) ?? 0) + 1);
        expect(res.status, `${hostile.kind}: ${hostile.body.slice(0, 300)}`).toBeLessThan(500);
        expect(hostile.allowed, `${hostile.kind}: ${hostile.body.slice(0, 300)} → ${answer}`).toContain(
          res.status,
        );
        expect(answer).not.toContain(key);
        expect(answer).not.toMatch(/[0-9a-f]{32}/i);
      }),
      { numRuns: BODIES },
    );
    const elapsedMs = performance.now() - started;
    const after = await readHeap();

    expect(await receiver.jobs()).toEqual({ counted: 0, hashes: 0 });
    const metric = await receiver.metrics.callbacks.get();
    const enqueued = metric.values.filter(
      (v) => v.labels.outcome === 'enqueued' || v.labels.outcome === 'unmixable',
    );
    expect(enqueued.reduce((sum, v) => sum + v.value, 0)).toBe(0);

    // `__proto__` / `constructor` keys reached no prototype.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(Object.prototype)).toEqual([]);

    const logs = captured.text();
    expect(logs).not.toContain(key);
    for (const sign of validSigns) expect(logs.includes(sign)).toBe(false);

    const growth = after.used - before.used;
    console.info(
      `hostile callbacks: ${BODIES} bodies in ${Math.round(elapsedMs)} ms ` +
        `(${Math.round((BODIES / elapsedMs) * 1000)}/s); memory (heap + external) ${mb(before.used)} → ${mb(after.used)} MB ` +
        `(${growth >= 0 ? '+' : ''}${mb(growth)} MB${after.collected ? ', after gc' : ', no gc'}), rss ${mb(after.rss)} MB\n` +
        [...tally.entries()]
          .sort()
          .map(([seen, n]) => `  ${seen}: ${n}`)
          .join('\n'),
    );
    expect(growth).toBeLessThan(HEAP_GROWTH_LIMIT);
  }, 120_000);
});
