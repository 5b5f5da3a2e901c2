import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestSim, type TestSim } from '../sim/testing/sim-harness.js';
import type { Api3CallResult, Api3Client } from './api3-client.js';
import { api3Client } from './api3-client.js';
import { createOnlineList, onlineList } from './online-list.js';

const KEYS = { secretId: 'AKIDonlinelist001', secretKey: 'online-list-secret-3b7d' };

describe('against the simulator', () => {
  let t: TestSim;
  beforeEach(async () => {
    t = await startTestSim({ timeScale: 0.004, ...KEYS });
  });
  afterEach(() => t.close());
  const client = (secretKey = KEYS.secretKey) =>
    api3Client({ url: t.sim.apiUrl, secretId: KEYS.secretId, secretKey, timeoutMs: 1000 });

  test('reads every page of every known origin, and nothing of other origins', async () => {
    for (let i = 0; i < 23; i += 1) await t.push({ streamId: `a${i}`, domain: 'a.test' });
    await t.push({ streamId: 'b_live', domain: 'b.test' });
    await t.push({ streamId: 'b_studio', domain: 'b.test', appName: 'studio' });
    await t.push({ streamId: 'c_unknown', domain: 'c.test' });
    const list = onlineList({
      client: client(),
      pageSize: 10,
      origins: async () => [
        { domain: 'a.test', appName: 'live' },
        { domain: 'b.test', appName: 'studio' },
      ],
    });
    const live = await list.liveStreams();
    expect(live?.size).toBe(24);
    expect(live?.has('a0') && live.has('a22') && live.has('b_studio')).toBe(true);
    expect(live?.has('b_live')).toBe(false);
    expect(live?.has('c_unknown')).toBe(false);

    await t.del('/sim/streams/a7');
    expect((await list.liveStreams())?.has('a7')).toBe(false);
  });

  test('the configuration builds it only with API 3.0 credentials', async () => {
    await t.push({ streamId: 'x1', domain: 'a.test' });
    const config = {
      TENCENT_API_URL: t.sim.apiUrl,
      MIX_REQUEST_TIMEOUT_MS: 1000,
      TENCENT_SECRET_ID: KEYS.secretId,
      TENCENT_SECRET_KEY: KEYS.secretKey,
    };
    const origins = async () => [{ domain: 'a.test', appName: 'live' }];
    expect(createOnlineList({ ...config, TENCENT_SECRET_KEY: undefined }, origins)).toBeUndefined();
    expect(await createOnlineList(config, origins)?.liveStreams()).toEqual(new Set(['x1']));
  });

  test('a refused call makes the whole answer null, with the reason', async () => {
    await t.push({ streamId: 'x1', domain: 'a.test' });
    const reasons: string[] = [];
    const list = onlineList({
      client: client('wrong-key'),
      origins: async () => [{ domain: 'a.test', appName: 'live' }],
      onUnavailable: (reason) => reasons.push(reason),
    });
    expect(await list.liveStreams()).toBeNull();
    expect(reasons).toEqual([expect.stringMatching(/^a\.test\/live: AuthFailure\.SignatureFailure/)]);
    expect(reasons.join()).not.toContain('wrong-key');
  });
});

describe('all or nothing', () => {
  /** A stand-in client answering scripted pages, for what the simulator cannot be made to do on cue. */
  const scripted = (pages: Api3CallResult<unknown>[]) => {
    const requests: unknown[] = [];
    const client: Api3Client = {
      async call<T>(_action: string, body: object) {
        requests.push(body);
        const next = pages.shift();
        if (!next) throw new Error('no more pages scripted');
        return next as Api3CallResult<T>;
      },
    };
    return { client, requests };
  };
  const page = (num: number, total: number, names: string[], pageSize = 10): Api3CallResult<unknown> => ({
    kind: 'ok',
    durationMs: 1,
    data: {
      Response: {
        TotalNum: total,
        TotalPage: Math.ceil(total / pageSize),
        PageNum: num,
        PageSize: pageSize,
        OnlineInfo: names.map((StreamName) => ({
          StreamName,
          AppName: 'live',
          DomainName: 'a.test',
          PublishTimeList: [],
        })),
        RequestId: 'r',
      },
    },
  });
  const tens = (from: number, count: number) => Array.from({ length: count }, (_, i) => `s${from + i}`);
  const origins = async () => [{ domain: 'a.test', appName: 'live' }];

  test('asks page after page with the origin as filter and a PageSize in [10, 100]', async () => {
    const { client, requests } = scripted([page(1, 15, tens(0, 10)), page(2, 15, tens(10, 5))]);
    expect((await onlineList({ client, origins, pageSize: 10 }).liveStreams())?.size).toBe(15);
    expect(requests).toEqual([
      { DomainName: 'a.test', AppName: 'live', PageNum: 1, PageSize: 10 },
      { DomainName: 'a.test', AppName: 'live', PageNum: 2, PageSize: 10 },
    ]);
    expect(() => onlineList({ client, origins, pageSize: 9 })).toThrow(RangeError);
    expect(() => onlineList({ client, origins, pageSize: 101 })).toThrow(RangeError);
  });

  test('a list that changes between pages is read again', async () => {
    // s9 stopped after page 1: s10 moved onto page 1 and was never seen; the total moved.
    const { client, requests } = scripted([
      page(1, 15, tens(0, 10)),
      page(2, 14, tens(11, 4)),
      page(1, 14, [...tens(0, 9), 's10']),
      page(2, 14, tens(11, 4)),
    ]);
    const live = await onlineList({ client, origins, pageSize: 10 }).liveStreams();
    expect(requests).toHaveLength(4);
    expect(live?.has('s10')).toBe(true);
    expect(live?.has('s9')).toBe(false);
  });

  test('a list that keeps changing gives null rather than a partial set', async () => {
    const { client } = scripted([
      page(1, 15, tens(0, 10)),
      page(2, 14, tens(11, 4)),
      page(1, 15, tens(0, 10)),
      page(2, 16, tens(10, 6)),
    ]);
    expect(await onlineList({ client, origins, pageSize: 10 }).liveStreams()).toBeNull();
  });

  test('a failure on a later page, or of the origins, gives null', async () => {
    const { client } = scripted([
      page(1, 15, tens(0, 10)),
      { kind: 'transport', code: 'timeout', durationMs: 1, response: {}, message: '' },
    ]);
    expect(await onlineList({ client, origins, pageSize: 10 }).liveStreams()).toBeNull();
    const broken = async () => {
      throw new Error('redis down');
    };
    expect(await onlineList({ client, origins: broken }).liveStreams()).toBeNull();
  });

  test('no known origin yet: null (nothing to ask is not "nothing is live"), and no alarm', async () => {
    const { client, requests } = scripted([]);
    const reasons: string[] = [];
    const list = onlineList({
      client,
      origins: async () => [],
      onUnavailable: (reason) => reasons.push(reason),
    });
    expect(await list.liveStreams()).toBeNull();
    expect(requests).toEqual([]);
    expect(reasons).toEqual([]);
  });
});
