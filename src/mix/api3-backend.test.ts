import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  GUEST,
  HOST,
  type MixRequestRecord,
  PIP_SPEC,
  type SessionView,
  startTestSim,
  type TestSim,
} from '../sim/index.js';
import { createMixStreamRequest } from '../tencent/api3/common-mix-stream.js';
import { parseTc3Authorization } from '../tencent/api3/tc3-sign.js';
import type { MixSpec } from '../tencent/mix-spec.js';
import { api3Backend } from './api3-backend.js';

const KEYS = { secretId: 'AKIDbackendtest01', secretKey: 'backend-secret-key-0c4e' };

describe('against the simulator', () => {
  let t: TestSim;
  const backend = (overrides: Partial<Parameters<typeof api3Backend>[0]> = {}) =>
    api3Backend({ url: t.sim.apiUrl, ...KEYS, timeoutMs: 500, ...overrides });
  const log = () => t.getJson<MixRequestRecord[]>('/sim/requests');

  beforeEach(async () => {
    t = await startTestSim({ timeScale: 0.004, ...KEYS });
    await t.pushReady(HOST, GUEST);
  });
  afterEach(() => t.close());

  test('start creates the mix, a second start updates it, cancel ends it: one request each', async () => {
    const mix = backend();
    expect(mix.name).toBe('api3');
    const first = await mix.start('room_1_e1', PIP_SPEC);
    expect(first.error).toBeUndefined();
    expect(first.request).toEqual(createMixStreamRequest('room_1_e1', PIP_SPEC));
    expect(first.response).toEqual({ Response: { RequestId: expect.any(String) } });

    const moved: MixSpec = {
      ...PIP_SPEC,
      inputs: [
        PIP_SPEC.inputs[0]!,
        { ...PIP_SPEC.inputs[1]!, rect: { x: 0, y: 0, width: 160, height: 240 } },
      ],
    };
    expect((await mix.start('room_1_e1', moved)).error).toBeUndefined();
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.starts).toBe(2);
    expect(session?.inputs[1]?.rect).toMatchObject({ x: 0, y: 0 });

    await new Promise((r) => setTimeout(r, 30)); // the platform's minimum age before a cancel, scaled
    const cancelled = await mix.cancel('room_1_e1', 'host_a');
    expect(cancelled.error).toBeUndefined();
    expect(cancelled.request).toEqual({ MixStreamSessionId: 'room_1_e1' });
    expect((await log()).map((r) => [r.protocol, r.op, r.code])).toEqual([
      ['api3', 'start', 0],
      ['api3', 'start', 0],
      ['api3', 'cancel', 0],
    ]);
    expect(await t.getJson<unknown[]>('/sim/violations')).toEqual([]);
  });

  test('a stream that is not live is -505, transient, with the API 3.0 code beside it', async () => {
    const spec: MixSpec = {
      ...PIP_SPEC,
      inputs: [PIP_SPEC.inputs[0]!, { ...PIP_SPEC.inputs[1]!, streamId: 'nobody_x' }],
    };
    const outcome = await backend().start('room_1_e1', spec);
    expect(outcome.error).toMatchObject({ code: -505, class: 'retry', apiCode: 'FailedOperation' });
    expect(outcome.error?.message).toMatch(/err_code \[ -505 \]/);
  });

  test.each([
    [-10031, 'retry', 'FailedOperation'],
    [-2, 'permanent', 'InvalidParameter.OtherError'],
    [-508, 'permanent', 'InvalidParameter.SessionOutputStreamChanged'],
    [-11, 'permanent', 'InvalidParameter.InvalidLayerParam'],
  ] as const)('a platform answer of %i comes back as %i, %s, beside %s', async (code, klass, apiCode) => {
    await t.postJson('/sim/faults', { script: [{ op: 'start', code }] });
    const outcome = await backend().start('room_1_e1', PIP_SPEC);
    expect(outcome.error).toMatchObject({ code, class: klass, apiCode });
  });

  test('cancelling a session that does not exist is success', async () => {
    const outcome = await backend().cancel('never_started', 'host_a');
    expect(outcome.error).toBeUndefined();
    expect(outcome.response).toMatchObject({
      Response: { Error: { Code: 'FailedOperation.CancelSessionNotExist' } },
    });
  });

  test('a wrong secret key is a permanent AuthFailure, reported as itself', async () => {
    const outcome = await backend({ secretKey: 'wrong' }).start('room_1_e1', PIP_SPEC);
    expect(outcome.error).toMatchObject({
      code: 'AuthFailure.SignatureFailure',
      class: 'permanent',
      apiCode: 'AuthFailure.SignatureFailure',
    });
  });

  test('a clock 10 minutes slow is time_expired: retried, signed afresh', async () => {
    const outcome = await backend({ now: () => Date.now() - 600_000 }).start('room_1_e1', PIP_SPEC);
    expect(outcome.error).toMatchObject({
      code: 'time_expired',
      class: 'retry',
      apiCode: 'AuthFailure.SignatureExpire',
    });
  });

  test('no answer within the timeout is a timeout; a 503 is http_5xx', async () => {
    await t.postJson('/sim/faults', { script: [{ code: 'timeout' }, { code: 'http5xx' }] });
    const mix = backend({ timeoutMs: 80 });
    const started = performance.now();
    const held = await mix.start('room_1_e1', PIP_SPEC);
    expect(held.error).toMatchObject({ code: 'timeout', class: 'retry' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((await mix.start('room_1_e1', PIP_SPEC)).error).toMatchObject({
      code: 'http_5xx',
      class: 'retry',
    });
  });

  test('the secret key appears in nothing the backend returns', async () => {
    await t.postJson('/sim/faults', { script: [{ op: 'start', code: -2 }] });
    const outcomes = [await backend().start('room_1_e1', PIP_SPEC), await backend().cancel('x', 'y')];
    for (const outcome of outcomes) expect(JSON.stringify(outcome)).not.toContain(KEYS.secretKey);
  });
});

describe('against a scripted endpoint', () => {
  type Answer = (res: ServerResponse) => void;
  let answers: Answer[] = [];
  const seen: IncomingMessage[] = [];
  let server: Server;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        seen.push(req);
        (answers.shift() ?? json({ Response: { RequestId: 'r' } }))(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    answers = [];
    seen.length = 0;
  });
  const json =
    (body: unknown, status = 200): Answer =>
    (res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
  const backend = () => api3Backend({ url, ...KEYS, timeoutMs: 300, now: () => 1_700_000_000_000 });
  const apiError = (Code: string, Message = '') =>
    json({ Response: { Error: { Code, Message }, RequestId: 'r' } });

  test('signs `live` for the host as sent, with the action and version headers', async () => {
    await backend().start('s', PIP_SPEC);
    const req = seen[0]!;
    expect(req.headers['x-tc-action']).toBe('CreateCommonMixStream');
    expect(req.headers['x-tc-version']).toBe('2018-08-01');
    expect(req.headers['x-tc-timestamp']).toBe('1700000000');
    expect(req.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(parseTc3Authorization(String(req.headers.authorization))).toMatchObject({
      secretId: KEYS.secretId,
      date: '2023-11-14',
      service: 'live',
      signedHeaders: ['content-type', 'host'],
    });
    await backend().cancel('s', 'o');
    expect(seen[1]?.headers['x-tc-action']).toBe('CancelCommonMixStream');
  });

  test.each([
    ['RequestLimitExceeded', apiError('RequestLimitExceeded', 'too many requests'), 'throttled', 'retry'],
    ['LimitExceeded.RateLimitExceeded', apiError('LimitExceeded.RateLimitExceeded'), 'throttled', 'retry'],
    ['InternalError', apiError('InternalError'), 'InternalError', 'retry'],
    [
      'an error envelope with HTTP 400',
      json(
        {
          Response: {
            Error: { Code: 'InvalidParameter', Message: 'err_code [ -4 ],msg [ x ]' },
            RequestId: 'r',
          },
        },
        400,
      ),
      -4,
      'permanent',
    ],
    ['HTTP 429 without an envelope', json({}, 429), 'throttled', 'retry'],
    ['HTTP 502 without an envelope', json({}, 502), 'http_5xx', 'retry'],
    ['an answer that is not the envelope', json({ ok: true }), 'bad_response', 'retry'],
  ] as const)('%s → %s (%s)', async (_name, answer, code, klass) => {
    answers = [answer];
    expect((await backend().start('s', PIP_SPEC)).error).toMatchObject({ code, class: klass });
  });

  test('a connection refused is a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const outcome = await api3Backend({ url: `http://127.0.0.1:${port}`, ...KEYS, timeoutMs: 300 }).start(
      's',
      PIP_SPEC,
    );
    expect(outcome.error).toMatchObject({ code: 'network', class: 'retry' });
  });
});
