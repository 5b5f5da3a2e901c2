import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { MixRequestRecord } from '../core/request-log.js';
import type { SessionView } from '../platform/session-view.js';
import { type Api3CallOptions, createBody, postApi3 } from '../testing/api3-client.js';
import { mixBody, startPara } from '../testing/mix-client.js';
import { GUEST, HOST, HOST_TILE } from '../testing/pip-room.js';
import { startTestSim, type TestSim } from '../testing/sim-harness.js';
import type { OnlineListPage } from './online-list.js';

const KEYS = { secretId: 'AKIDsimtest0001', secretKey: 'sim-secret-key-7a91' };
const PIP: [string, number, Record<string, unknown>?][] = [
  ['host_a', 1],
  ['guest_b', 2, { ImageWidth: 160, ImageHeight: 240, LocationX: 380, LocationY: 630 }],
];

let t: TestSim;
const call = (action: string, body: unknown, options?: Api3CallOptions) =>
  postApi3(t.sim.apiUrl, KEYS, action, body, options);
const create = (body: unknown, options?: Api3CallOptions) => call('CreateCommonMixStream', body, options);
const cancel = (sessionId: string) => call('CancelCommonMixStream', { MixStreamSessionId: sessionId });

beforeEach(async () => {
  t = await startTestSim({ timeScale: 0.004, ...KEYS });
});
afterEach(() => t.close());

describe('CreateCommonMixStream and CancelCommonMixStream', () => {
  test('a signed create starts a session and a cancel ends it, logged as api3 with legacy codes', async () => {
    await t.pushReady(HOST, GUEST);
    const started = await create(createBody('room_1', 'host_a', PIP));
    expect(started.status).toBe(200);
    expect(started.response).toEqual({ RequestId: expect.any(String) });
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session).toMatchObject({ sessionId: 'room_1', outputStreamId: 'host_a', state: 'live' });
    expect(session?.inputs.find((i) => i.streamId === 'guest_b')?.rect).toMatchObject({ width: 160, x: 380 });

    const cancelled = await cancel('room_1');
    expect(cancelled.response).toEqual({ RequestId: expect.any(String) });
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);

    const log = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(log.map((r) => [r.protocol, r.op, r.sessionId, r.outputStreamId, r.code, r.status])).toEqual([
      ['api3', 'start', 'room_1', 'host_a', 0, 200],
      ['api3', 'cancel', 'room_1', null, 0, 200],
    ]);
  });

  test('a crop travels as CropParams and lands in the session', async () => {
    await t.pushReady(HOST, GUEST);
    const body = createBody('room_1', 'host_a', PIP);
    (body.InputStreamList as Record<string, unknown>[])[1]!.CropParams = {
      CropWidth: 480,
      CropHeight: 480,
      CropStartLocationX: 0,
      CropStartLocationY: 80,
    };
    expect(
      (await create({ ...body, ControlParams: { UseMixCropCenter: 1 } })).response?.Error,
    ).toBeUndefined();
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs.find((i) => i.streamId === 'guest_b')?.crop).toMatchObject({ width: 480, y: 80 });
  });
});

describe('errors, worded as API 3.0 does', () => {
  test.each([
    {
      name: 'an input that is not live: -505 embedded under FailedOperation (format A)',
      setup: () => t.pushReady(HOST),
      body: () =>
        createBody('room_1', 'host_a', [
          ['host_a', 1],
          ['nobody_x', 2, { ImageWidth: 160, ImageHeight: 240 }],
        ]),
      code: 'FailedOperation',
      message: /^err_code \[ -505 \],msg \[ .*nobody_x is not live \]$/,
      legacy: -505,
    },
    {
      name: 'a picture off the background: -2 embedded under InvalidParameter.OtherError (format B)',
      setup: () => t.pushReady(HOST, GUEST),
      body: () =>
        createBody('room_1', 'host_a', [
          ['host_a', 1],
          ['guest_b', 2, { ImageWidth: 160, ImageHeight: 240, LocationX: 700, LocationY: 0 }],
        ]),
      code: 'InvalidParameter.OtherError',
      message: /^InnerErrCode : \[ -2 \],InnerErrMsg: \[ /,
      legacy: -2,
    },
    {
      name: 'a duplicate layer: InvalidParameter.InvalidLayerParam (-11)',
      setup: () => t.pushReady(HOST, GUEST),
      body: () =>
        createBody('room_1', 'host_a', [
          ['host_a', 1],
          ['guest_b', 1],
        ]),
      code: 'InvalidParameter.InvalidLayerParam',
      message: /layer/,
      legacy: -11,
    },
    {
      name: 'a template for another input count: InvalidParameter.TemplateNotMatchInputNum (-20)',
      setup: () => t.pushReady(HOST, GUEST),
      body: () => createBody('room_1', 'host_a', PIP, { MixStreamTemplateId: 310 }),
      code: 'InvalidParameter.TemplateNotMatchInputNum',
      message: /template/,
      legacy: -20,
    },
    {
      name: 'an output that is not an input with type 0: InvalidParameter.InvalidOutputType (-111)',
      setup: () => t.pushReady(HOST, GUEST),
      body: () => createBody('room_1', 'somebody_else', PIP),
      code: 'InvalidParameter.InvalidOutputType',
      message: /output_stream_type is \[0\]/,
      legacy: -111,
    },
    {
      name: 'a bitrate over the API 3.0 limit of 10000: InvalidParameter.InvalidBitrate',
      setup: () => t.pushReady(HOST, GUEST),
      body: () => ({
        ...createBody('room_1', 'host_a', PIP),
        OutputParams: { OutputStreamName: 'host_a', OutputStreamBitRate: 20000 },
      }),
      code: 'InvalidParameter.InvalidBitrate',
      message: /10000/,
      legacy: -31004,
    },
    {
      name: 'an input over 2000 px a side: -10021 embedded (an API 3.0-only limit)',
      setup: () => t.pushReady(HOST, { streamId: 'guest_b', width: 2560, height: 1440 }),
      body: () => createBody('room_1', 'host_a', PIP),
      code: 'InvalidParameter.OtherError',
      message: /InnerErrCode : \[ -10021 \]/,
      legacy: -10021,
    },
  ])('$name', async ({ setup, body, code, message, legacy }) => {
    await setup();
    const answer = await create(body());
    expect(answer.status).toBe(200);
    expect(answer.response?.Error?.Code).toBe(code);
    expect(answer.response?.Error?.Message).toMatch(message);
    expect(answer.response?.RequestId).toEqual(expect.any(String));
    const [record] = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(record).toMatchObject({ protocol: 'api3', code: legacy, apiCode: code });
  });

  test('the same session id with another output: InvalidParameter.SessionOutputStreamChanged (-508)', async () => {
    await t.pushReady(HOST, GUEST);
    expect((await create(createBody('room_1', 'host_a', PIP))).response).toEqual({
      RequestId: expect.any(String),
    });
    const answer = await create(createBody('room_1', 'guest_b', PIP));
    expect(answer.response?.Error?.Code).toBe('InvalidParameter.SessionOutputStreamChanged');
  });

  test('a second cancel: FailedOperation.CancelSessionNotExist', async () => {
    await t.pushReady(HOST, GUEST);
    await create(createBody('room_1', 'host_a', PIP));
    expect((await cancel('room_1')).response).toEqual({ RequestId: expect.any(String) });
    expect((await cancel('room_1')).response?.Error?.Code).toBe('FailedOperation.CancelSessionNotExist');
    expect((await cancel('never_was')).response?.Error?.Code).toBe('FailedOperation.CancelSessionNotExist');
  });

  test.each([
    ['a misspelt top-level parameter', { MixStreamSessionID: 'x' }, 'MixStreamSessionID'],
    [
      'a legacy field inside LayoutParams',
      createBody('room_1', 'host_a', [['host_a', 1, { image_width: 160 }]]),
      'InputStreamList.0.LayoutParams.image_width',
    ],
    [
      'an unknown output parameter',
      { ...createBody('room_1', 'host_a', PIP), OutputParams: { OutputStreamName: 'host_a', Bitrate: 1 } },
      'OutputParams.Bitrate',
    ],
  ])('%s: UnknownParameter', async (_name, body, parameter) => {
    const answer = await create(body);
    expect(answer.response?.Error).toEqual({
      Code: 'UnknownParameter',
      Message: `The parameter \`${parameter}\` is not recognized.`,
    });
  });

  test('an empty InputStreamList: -1 under InvalidParameter.OtherError', async () => {
    const answer = await create({
      MixStreamSessionId: 'r',
      InputStreamList: [],
      OutputParams: { OutputStreamName: 'a' },
    });
    expect(answer.response?.Error?.Message).toMatch(/^InnerErrCode : \[ -1 \]/);
  });
});

describe('API 3.0 limits, tighter than the legacy CGI’s (reference §4, §6.7)', () => {
  const guestTile = (layout: Record<string, unknown>, crop?: Record<string, unknown>, output = {}) => {
    const body = createBody('room_1', 'host_a', [
      ['host_a', 1],
      ['guest_b', 2, { ImageWidth: 160, ImageHeight: 240, LocationX: 380, LocationY: 630, ...layout }],
    ]);
    if (crop) (body.InputStreamList as Record<string, unknown>[])[1]!.CropParams = crop;
    return { ...body, OutputParams: { OutputStreamName: 'host_a', ...output } };
  };

  test.each([
    [
      'ImageWidth 2400',
      guestTile({ ImageWidth: 2400 }),
      'InvalidParameter.InvalidLayerParam',
      /ImageWidth 2400/,
    ],
    [
      'ImageHeight 2001',
      guestTile({ ImageHeight: 2001 }),
      'InvalidParameter.InvalidLayerParam',
      /ImageHeight/,
    ],
    ['LocationX 2500', guestTile({ LocationX: 2500 }), 'InvalidParameter.InvalidLayerParam', /LocationX/],
    ['LocationY 2001', guestTile({ LocationY: 2001 }), 'InvalidParameter.InvalidLayerParam', /LocationY/],
    ['CropWidth 2400', guestTile({}, { CropWidth: 2400 }), 'InvalidParameter.InvalidCropParam', /CropWidth/],
    [
      'CropHeight 2001',
      guestTile({}, { CropHeight: 2001 }),
      'InvalidParameter.InvalidCropParam',
      /CropHeight/,
    ],
    [
      'CropStartLocationX 2001',
      guestTile({}, { CropStartLocationX: 2001 }),
      'InvalidParameter.InvalidCropParam',
      /CropStartLocationX/,
    ],
    [
      'CropStartLocationY 3000',
      guestTile({}, { CropStartLocationY: 3000 }),
      'InvalidParameter.InvalidCropParam',
      /CropStartLocationY/,
    ],
    [
      'OutputStreamBitRate 0',
      guestTile({}, undefined, { OutputStreamBitRate: 0 }),
      'InvalidParameter.InvalidBitrate',
      /\[1, 10000\]/,
    ],
    [
      'OutputStreamBitRate 10001',
      guestTile({}, undefined, { OutputStreamBitRate: 10001 }),
      'InvalidParameter.InvalidBitrate',
      /\[1, 10000\]/,
    ],
  ])('refuses %s', async (_name, body, code, message) => {
    await t.pushReady(HOST, GUEST);
    const answer = await create(body);
    expect(answer.response?.Error?.Code).toBe(code);
    expect(answer.response?.Error?.Message).toMatch(message);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
  });

  test('takes 2000 px layout and crop values, fractions and a bitrate of 10000', async () => {
    await t.pushReady(
      { streamId: 'host_a', width: 2000, height: 2000 },
      { streamId: 'guest_b', width: 2000, height: 2000 },
    );
    const full = { ImageWidth: 2000, ImageHeight: 2000, LocationX: 0, LocationY: 0 };
    const body = guestTile(
      full,
      { CropWidth: 2000, CropHeight: 2000, CropStartLocationX: 0, CropStartLocationY: 0 },
      { OutputStreamBitRate: 10000 },
    );
    expect((await create(body)).response?.Error).toBeUndefined();
    const fractions = guestTile({ ImageWidth: 0.5, ImageHeight: 0.5, LocationX: 0.25, LocationY: 0.25 });
    expect(
      (
        await create({
          ...fractions,
          MixStreamSessionId: 'room_2',
          OutputParams: { OutputStreamName: 'guest_b' },
        })
      ).response?.Error,
    ).toBeUndefined();
  });

  test('a canvas labelled like a live oversized stream is not refused for that stream’s size', async () => {
    await t.pushReady(HOST, GUEST, { streamId: 'big_c', width: 2560, height: 1440 });
    const tiles = (inputType: number): [string, number, Record<string, unknown>?][] => [
      ['big_c', 1, { InputType: inputType, Color: '0x000000', ImageWidth: 720, ImageHeight: 1280 }],
      ['host_a', 2, { ImageWidth: 360, ImageHeight: 640, LocationX: 0, LocationY: 0 }],
      ['guest_b', 3, { ImageWidth: 360, ImageHeight: 640, LocationX: 360, LocationY: 0 }],
    ];
    expect((await create(createBody('room_1', 'host_a', tiles(3)))).response?.Error).toBeUndefined();
    // The same id as a stream input is that stream, and is refused for its size.
    expect((await create(createBody('room_2', 'guest_b', tiles(0)))).response?.Error?.Message).toMatch(
      /-10021/,
    );
  });

  test('the legacy CGI keeps its own limits: 2400 px and a bitrate of 20000 are taken there', async () => {
    await t.pushReady(
      { streamId: 'host_a', width: 2560, height: 1440 },
      { streamId: 'guest_b', width: 2560, height: 1440 },
    );
    const legacy = await t.mix(
      mixBody(
        t.auth.appId,
        startPara(
          'room_1',
          'host_a',
          [
            HOST_TILE,
            {
              id: 'guest_b',
              layer: 2,
              layout: { image_width: 2400, image_height: 1350, location_x: 0, location_y: 0 },
              crop: { crop_width: 2400, crop_height: 1350, crop_x: 0, crop_y: 0 },
            },
          ],
          { output_stream_bitrate: 20000 },
        ),
      ),
    );
    expect(legacy.json?.code).toBe(0);
    const api3 = await create({
      ...guestTile(
        { ImageWidth: 2400, ImageHeight: 1350, LocationX: 0, LocationY: 0 },
        { CropWidth: 2400, CropHeight: 1350, CropStartLocationX: 0, CropStartLocationY: 0 },
      ),
      MixStreamSessionId: 'room_2',
      OutputParams: { OutputStreamName: 'guest_b', OutputStreamBitRate: 20000 },
    });
    expect(api3.response?.Error?.Code).toBe('InvalidParameter.InvalidBitrate');
    const withoutBitrate = await create({
      ...guestTile({ ImageWidth: 2400, ImageHeight: 1350, LocationX: 0, LocationY: 0 }),
      MixStreamSessionId: 'room_2',
      OutputParams: { OutputStreamName: 'guest_b' },
    });
    expect(withoutBitrate.response?.Error?.Code).toBe('InvalidParameter.InvalidLayerParam');
  });
});

describe('TC3 verification', () => {
  const okBody = () => createBody('room_1', 'host_a', PIP);

  test.each([
    ['live', {}],
    ['the first label of the Host header (as the Node SDK signs it: 127)', { service: '127' }],
    ['a named host’s first label', { host: 'mixapi.example.test', service: 'mixapi' }],
    [
      '127 over the host without its port (as the Node SDK signs a 127.0.0.1:<port> endpoint)',
      { service: '127', signedHost: '127.0.0.1' },
    ],
    [
      'live over a named host without its port',
      { host: 'live.example.test:8080', signedHost: 'live.example.test' },
    ],
  ])('accepts the service %s', async (_name, options: Api3CallOptions) => {
    await t.pushReady(HOST, GUEST);
    expect((await create(okBody(), options)).response).toEqual({ RequestId: expect.any(String) });
  });

  test.each([
    ['no Authorization header', { authorization: '' }, 'AuthFailure.InvalidAuthorization'],
    ['an unknown SecretId', { secretId: 'AKIDnobody' }, 'AuthFailure.SecretIdNotFound'],
    ['another secret key', { secretKey: 'not-the-key' }, 'AuthFailure.SignatureFailure'],
    ['another service', { service: 'cvm' }, 'AuthFailure.SignatureFailure'],
    [
      'a signature over another host',
      { signedHost: 'live.tencentcloudapi.com' },
      'AuthFailure.SignatureFailure',
    ],
    ['a signature over another port', { signedHost: '127.0.0.1:1' }, 'AuthFailure.SignatureFailure'],
    [
      'a body changed after signing',
      { sentBody: '{"MixStreamSessionId":"other"}' },
      'AuthFailure.SignatureFailure',
    ],
    [
      'a timestamp 10 minutes old',
      { timestamp: Math.floor(Date.now() / 1000) - 600 },
      'AuthFailure.SignatureExpire',
    ],
    ['another API version', { version: '2017-01-01' }, 'NoSuchVersion'],
  ])('refuses %s', async (_name, options: Api3CallOptions, code) => {
    await t.pushReady(HOST, GUEST);
    const answer = await create(okBody(), options);
    expect(answer.status).toBe(200);
    expect(answer.response?.Error?.Code).toBe(code);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
    const [record] = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(record).toMatchObject({ protocol: 'api3', code: null, apiCode: code });
  });

  test('refuses every call when the simulator has no key pair', async () => {
    const bare = await startTestSim({ timeScale: 0.004 });
    try {
      const answer = await postApi3(bare.sim.apiUrl, KEYS, 'CreateCommonMixStream', okBody());
      expect(answer.response?.Error?.Code).toBe('AuthFailure.SecretIdNotFound');
    } finally {
      await bare.close();
    }
  });

  test('will not start with half a key pair', async () => {
    await expect(startTestSim({ secretId: KEYS.secretId })).rejects.toThrow('secretId and secretKey');
    await expect(startTestSim({ secretKey: KEYS.secretKey })).rejects.toThrow('secretId and secretKey');
  });

  test.each(['DescribeLiveStreamEventList', 'constructor', ''])(
    'the unknown action %j: InvalidAction',
    async (action) => {
      expect((await call(action, {})).response?.Error?.Code).toBe('InvalidAction');
    },
  );
});

describe('the fault plan applies to API 3.0 calls', () => {
  test('a scripted -10031 is answered under FailedOperation with the code embedded', async () => {
    await t.pushReady(HOST, GUEST);
    await t.postJson('/sim/faults', { script: [{ op: 'start', code: -10031 }] });
    const answer = await create(createBody('room_1', 'host_a', PIP));
    expect(answer.response?.Error).toEqual({
      Code: 'FailedOperation',
      Message: 'err_code [ -10031 ],msg [ trigger mix stream failed ]',
    });
    const [record] = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(record).toMatchObject({ protocol: 'api3', code: -10031, fault: 'script' });
  });

  test('http5xx answers 503; timeout holds the call until the client gives up', async () => {
    await t.pushReady(HOST, GUEST);
    await t.postJson('/sim/faults', { script: [{ code: 'http5xx' }, { code: 'timeout' }] });
    expect((await create(createBody('room_1', 'host_a', PIP))).status).toBe(503);
    const giveUp = AbortSignal.timeout(100);
    await expect(create(createBody('room_1', 'host_a', PIP), { signal: giveUp })).rejects.toThrow();
    const log = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(log.map((r) => [r.fault, r.status])).toEqual([
      ['http5xx', 503],
      ['timeout', null],
    ]);
  });
});

describe('DescribeLiveStreamOnlineList', () => {
  const list = async (body: Record<string, unknown>) =>
    (await call('DescribeLiveStreamOnlineList', body)).response as unknown as OnlineListPage & {
      Error?: { Code: string };
    };

  test('lists the live streams of a domain and AppName, page by page', async () => {
    for (let i = 0; i < 23; i += 1)
      await t.push({ streamId: `s${String(i).padStart(2, '0')}`, domain: 'a.test' });
    await t.push({ streamId: 'other_domain', domain: 'b.test' });
    await t.push({ streamId: 'other_app', domain: 'a.test', appName: 'studio' });
    await t.del('/sim/streams/s05');

    const pages = await Promise.all(
      [1, 2, 3, 4].map((PageNum) => list({ DomainName: 'a.test', AppName: 'live', PageNum, PageSize: 10 })),
    );
    expect(pages.map((p) => [p.TotalNum, p.TotalPage, p.PageNum, p.OnlineInfo.length])).toEqual([
      [22, 3, 1, 10],
      [22, 3, 2, 10],
      [22, 3, 3, 2],
      [22, 3, 4, 0],
    ]);
    const names = pages.flatMap((p) => p.OnlineInfo.map((i) => i.StreamName));
    expect(new Set(names).size).toBe(22);
    expect(names).not.toContain('s05');
    expect(pages[0]?.OnlineInfo[0]).toMatchObject({ DomainName: 'a.test', AppName: 'live' });
    expect(pages[0]?.OnlineInfo[0]?.PublishTimeList[0]?.PublishTime).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );

    expect(
      (await list({ DomainName: 'a.test', AppName: 'studio' })).OnlineInfo.map((i) => i.StreamName),
    ).toEqual(['other_app']);
    expect((await list({ StreamName: 'other_domain' })).TotalNum).toBe(1);
    // AppName defaults to `live`.
    expect((await list({ DomainName: 'a.test', PageSize: 100 })).TotalNum).toBe(22);
    // The documented maximum: everything in one page.
    const all = await list({ DomainName: 'a.test', PageSize: 300_000 });
    expect([all.TotalPage, all.OnlineInfo.length]).toEqual([1, 22]);
  });

  test.each([
    [{ PageSize: 5 }, 'InvalidParameter'],
    [{ PageSize: 300_001 }, 'InvalidParameter'],
    [{ PageNum: 0 }, 'InvalidParameterValue'],
    [{ DomainName: 7 }, 'InvalidParameterValue'],
    [{ Page: 1 }, 'UnknownParameter'],
  ])('refuses %o with %s', async (body, code) => {
    expect((await list(body)).Error?.Code).toBe(code);
  });

  test('is not logged as a mix request and draws no fault', async () => {
    await t.postJson('/sim/faults', { script: [{ code: 'http5xx' }] });
    expect((await list({})).TotalNum).toBe(0);
    expect(await t.getJson<unknown[]>('/sim/requests')).toEqual([]);
  });
});
