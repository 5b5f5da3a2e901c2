import { afterEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../platform/session-view.js';
import { createBody, postApi3 } from '../testing/api3-client.js';
import { type CallbackRecorder, startCallbackRecorder } from '../testing/callback-recorder.js';
import { mixBody, startPara } from '../testing/mix-client.js';
import { GUEST, HOST, TWO_UP } from '../testing/pip-room.js';
import { sleep, startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';
import { FaultInjector, faultPlanSchema } from './faults.js';
import type { MixRequestRecord } from './request-log.js';

const start = (session = 'room_1') => mixBody(TEST_KEYS.appId, startPara(session, 'host_a', TWO_UP));

let t: TestSim;
let recorder: CallbackRecorder | undefined;
afterEach(async () => {
  await t.close();
  await recorder?.close();
  recorder = undefined;
});

async function readySim(): Promise<void> {
  t = await startTestSim({ timeScale: 0.01 });
  await t.pushReady(HOST, GUEST);
}

/** What the client saw for each of `count` starts: 'http5xx' or the answer code. */
async function outcomes(count: number): Promise<Array<number | string>> {
  const seen: Array<number | string> = [];
  // Sessions are never created here (the background is not live), so every request is the same.
  for (let i = 0; i < count; i++) {
    const answer = await t.mix(
      mixBody(
        TEST_KEYS.appId,
        startPara('room_x', 'nobody', [
          { id: 'nobody', layer: 1 },
          { id: 'x2', layer: 2 },
        ]),
      ),
    );
    seen.push(answer.status === 503 ? 'http5xx' : (answer.json?.code ?? 'non-json'));
  }
  return seen;
}

describe('fault injection', () => {
  const plan = { seed: 7, http5xxRate: 0.2, codeRates: { '-10031': 0.3, '-505': 0.1 } };

  it('is reproducible from its seed', async () => {
    t = await startTestSim({ timeScale: 0.01 });
    expect((await t.postJson('/sim/faults', plan)).status).toBe(200);
    const first = await outcomes(40);
    expect((await t.postJson('/sim/faults', plan)).status).toBe(200);
    const second = await outcomes(40);
    expect(second).toEqual(first);
    // The mix of outcomes is the one the rates ask for, not a constant.
    expect(new Set(first)).toEqual(new Set(['http5xx', -10031, -505, -28]));

    expect((await t.postJson('/sim/faults', { ...plan, seed: 8 })).status).toBe(200);
    expect(await outcomes(40)).not.toEqual(first);
  });

  it('draws the same decisions for the same seed without HTTP in between', () => {
    const decide = (seed: number) => {
      const injector = new FaultInjector();
      injector.set(
        faultPlanSchema.parse({ seed, timeoutRate: 0.1, http5xxRate: 0.1, codeRates: { '-10031': 0.5 } }),
      );
      return Array.from({ length: 200 }, (_, i) => injector.forMix(i % 3 === 0 ? 'cancel' : 'start').action);
    };
    expect(decide(123)).toEqual(decide(123));
    expect(decide(123)).not.toEqual(decide(124));
  });

  it('a script answers in order before the rates: "-505 twice, then normal"', async () => {
    await readySim();
    await t.postJson('/sim/faults', { script: [{ op: 'start', code: -505, times: 2 }] });
    expect((await t.mix(start())).json?.code).toBe(-505);
    expect((await t.mix(start())).json?.code).toBe(-505);
    // Fault answers change no session.
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
    expect((await t.mix(start())).json?.code).toBe(0);
    const requests = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(requests.map((r) => [r.code, r.fault])).toEqual([
      [-505, 'script'],
      [-505, 'script'],
      [0, undefined],
    ]);
  });

  it('a scripted API 3.0 code is answered as is to API 3.0 requests, and left alone by the legacy CGI', async () => {
    const keys = { secretId: 'AKIDfaulttest01', secretKey: 'fault-test-key-3c1e' };
    t = await startTestSim({ timeScale: 0.01, ...keys });
    await t.pushReady(HOST, GUEST);
    await t.postJson('/sim/faults', { script: [{ op: 'start', code: 'ServiceUnavailable' }] });
    // The legacy CGI has no such code: its start goes through, and the entry waits.
    expect((await t.mix(start('room_legacy'))).json?.code).toBe(0);
    const create = () =>
      postApi3(
        t.sim.apiUrl,
        keys,
        'CreateCommonMixStream',
        createBody('room_api3', 'guest_b', [
          ['host_a', 1],
          ['guest_b', 2],
        ]),
      );
    expect((await create()).response?.Error).toEqual({
      Code: 'ServiceUnavailable',
      Message: 'ServiceUnavailable (scripted)',
    });
    expect((await create()).response?.Error).toBeUndefined();
    const requests = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(requests.map((r) => [r.protocol, r.apiCode, r.fault])).toEqual([
      ['legacy', undefined, undefined],
      ['api3', 'ServiceUnavailable', 'script'],
      ['api3', undefined, undefined],
    ]);
    expect(faultPlanSchema.safeParse({ script: [{ code: 'not a code' }] }).success).toBe(false);
  });

  it('a script entry for cancels leaves starts alone', async () => {
    await readySim();
    await t.postJson('/sim/faults', { script: [{ op: 'cancel', code: 'http5xx' }] });
    expect((await t.mix(start())).json?.code).toBe(0);
    const view = await t.getJson<{ scriptRemaining: unknown[] }>('/sim/faults');
    expect(view.scriptRemaining).toEqual([{ op: 'cancel', code: 'http5xx', times: 1 }]);
  });

  it('an injected code does not change sessions', async () => {
    await readySim();
    await t.postJson('/sim/faults', { codeRates: { '-10031': 1 } });
    const answer = await t.mix(start());
    expect(answer.json).toMatchObject({ code: -10031, message: 'trigger mix stream failed' });
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
  });

  it('http5xxRate 1 answers 503', async () => {
    await readySim();
    await t.postJson('/sim/faults', { http5xxRate: 1 });
    expect((await t.mix(start())).status).toBe(503);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
  });

  it('timeoutRate 1 holds the request until the client gives up, without applying it', async () => {
    await readySim();
    await t.postJson('/sim/faults', { timeoutRate: 1 });
    const began = Date.now();
    await expect(t.mix(start(), { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect(Date.now() - began).toBeGreaterThanOrEqual(95);
    const [record] = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(record).toMatchObject({ op: 'start', fault: 'timeout', code: null, status: null });
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);

    expect(await t.del('/sim/faults')).toBe(204);
    await sleep(20);
    expect((await t.mix(start())).json?.code).toBe(0);
  });

  it('timeoutApplies: the held request takes effect, an outcome the client cannot see', async () => {
    await readySim();
    await t.postJson('/sim/faults', { timeoutRate: 1, timeoutApplies: true });
    await expect(t.mix(start(), { signal: AbortSignal.timeout(80) })).rejects.toThrow();
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toHaveLength(1);
  });

  it('close() releases a held request', async () => {
    await readySim();
    await t.postJson('/sim/faults', { timeoutRate: 1 });
    const held = t.mix(start()).catch((error: unknown) => error);
    await sleep(30);
    const began = Date.now();
    await t.close();
    expect(Date.now() - began).toBeLessThan(1000);
    await held;
  });

  it('latencyMs delays every answer', async () => {
    await readySim();
    await t.postJson('/sim/faults', { latencyMs: 80 });
    const began = Date.now();
    expect((await t.mix(start())).json?.code).toBe(0);
    expect(Date.now() - began).toBeGreaterThanOrEqual(78);
  });

  it('GET shows the plan, DELETE clears it, an invalid plan is refused', async () => {
    t = await startTestSim();
    expect(await t.getJson('/sim/faults')).toEqual({ plan: null, scriptRemaining: [] });
    await t.postJson('/sim/faults', { seed: 3, timeoutRate: 0.5 });
    expect(await t.getJson('/sim/faults')).toMatchObject({
      plan: { seed: 3, timeoutRate: 0.5, http5xxRate: 0 },
    });
    expect(await t.del('/sim/faults')).toBe(204);
    expect(await t.getJson('/sim/faults')).toEqual({ plan: null, scriptRemaining: [] });

    const tooLikely = await t.postJson<{ code: string }>('/sim/faults', {
      codeRates: { '-505': 0.7, '-10031': 0.6 },
    });
    expect(tooLikely.status).toBe(400);
    const badRate = await t.postJson('/sim/faults', { http5xxRate: 1.5 });
    expect(badRate.status).toBe(400);
    const typo = await t.postJson('/sim/faults', { timeoutrate: 0.5 });
    expect(typo.status).toBe(400);
  });
});

describe('callback faults', () => {
  async function simWithRecorder(): Promise<CallbackRecorder> {
    const r = await startCallbackRecorder();
    recorder = r;
    t = await startTestSim({ timeScale: 0.01, callbackUrl: r.url });
    return r;
  }

  it('callbackDrop 1 loses every callback', async () => {
    const r = await simWithRecorder();
    await t.postJson('/sim/faults', { callbackDrop: 1 });
    await t.push({ streamId: 'host_a' });
    // The simulator is done with it: dropped, no attempt made, none to come.
    expect(await t.getJson('/sim/callbacks')).toEqual([
      expect.objectContaining({ dropped: true, delivered: false, pending: false, attempts: [] }),
    ]);
    expect(r.received).toEqual([]);
  });

  it('callbackDuplicate 1 delivers every callback twice', async () => {
    const r = await simWithRecorder();
    await t.postJson('/sim/faults', { callbackDuplicate: 1 });
    await t.push({ streamId: 'host_a' });
    const [a, b] = await r.waitFor(2);
    expect(a?.text).toBe(b?.text);
  });

  it('callbackReorderMs delays each callback by a seeded random amount, so later ones overtake', async () => {
    const plan = { seed: 58, callbackReorderMs: 300 };
    const ids = ['s1', 's2', 's3', 's4', 's5', 's6'];
    // The delays the seed stands for, drawn by an injector of our own.
    const injector = new FaultInjector();
    injector.set(faultPlanSchema.parse(plan));
    const delays = ids.map(() => injector.forCallback().delayMs);
    const sorted = [...delays].sort((a, b) => a - b);
    // A seed whose delays are far apart, so arrival order cannot depend on scheduling noise.
    expect(Math.min(...sorted.slice(1).map((d, i) => d - (sorted[i] ?? 0)))).toBeGreaterThan(25);
    const expected = ids.map((id, i) => ({ id, delay: delays[i] ?? 0 })).sort((a, b) => a.delay - b.delay);

    const r = await simWithRecorder();
    t.sim.setFaults(plan);
    for (const id of ids) t.sim.pushStream({ streamId: id });
    const received = await r.waitFor(ids.length);
    const order = received.map((c) => (JSON.parse(c.text) as { stream_id: string }).stream_id);
    expect(order).toEqual(expected.map((e) => e.id));
    expect(order).not.toEqual(ids);
  });
});
