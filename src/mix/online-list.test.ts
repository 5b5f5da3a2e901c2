import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startTestSim, type TestSim } from '../sim/index.js';
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
    expect(live?.streams.size).toBe(24);
    expect(live?.streams.has('a0') && live.streams.has('a22') && live.streams.has('b_studio')).toBe(true);
    expect(live?.streams.has('b_live')).toBe(false);
    expect(live?.streams.has('c_unknown')).toBe(false);
    expect(live).toMatchObject({ origins: new Set(['a.test/live', 'b.test/studio']), complete: true });

    await t.del('/sim/streams/a7');
    expect((await list.liveStreams())?.streams.has('a7')).toBe(false);
  });

  test('by default one call per origin reads it all: 120 streams, 2 origins, 2 requests', async () => {
    for (let i = 0; i < 120; i += 1) await t.push({ streamId: `s${i}`, domain: 'a.test' });
    await t.push({ streamId: 'studio_1', domain: 'a.test', appName: 'studio' });
    const sent: object[] = [];
    const real = client();
    const counting: Api3Client = {
      call(action, body, success) {
        sent.push(body);
        return real.call(action, body, success);
      },
    };
    const live = await onlineList({
      client: counting,
      origins: async () => [
        { domain: 'a.test', appName: 'live' },
        { domain: 'a.test', appName: 'studio' },
      ],
    }).liveStreams();
    expect(live?.streams.size).toBe(121);
    expect(sent).toEqual([
      { DomainName: 'a.test', AppName: 'live', PageNum: 1, PageSize: 300_000 },
      { DomainName: 'a.test', AppName: 'studio', PageNum: 1, PageSize: 300_000 },
    ]);
  });

  test('the configuration builds it only with API 3.0 credentials', async () => {
    await t.push({ streamId: 'x1', domain: 'a.test' });
    const config = {
      TENCENT_API_URL: t.sim.apiUrl,
      MIX_REQUEST_TIMEOUT_MS: 1000,
      TENCENT_SECRET_ID: KEYS.secretId,
      TENCENT_SECRET_KEY: KEYS.secretKey,
      TENCENT_ONLINE_LIST_PAGE_SIZE: 300_000,
    };
    const learned = { list: async () => [{ domain: 'a.test', appName: 'live' }], touch: async () => {} };
    expect(createOnlineList({ ...config, TENCENT_SECRET_KEY: undefined }, learned)).toBeUndefined();
    expect((await createOnlineList(config, learned)?.liveStreams())?.streams).toEqual(new Set(['x1']));
  });

  test('asks about the configured origins and the learned ones, each once; tells which are in use', async () => {
    await t.push({ streamId: 'x1', domain: 'a.test' });
    await t.push({ streamId: 'y1', domain: 'b.test', appName: 'studio' });
    const touched: string[][] = [];
    const learned = {
      list: async () => [
        { domain: 'A.test', appName: 'live' },
        { domain: 'c.test', appName: 'live' },
      ],
      touch: async (origins: readonly { domain: string; appName: string }[]) => {
        touched.push(origins.map((o) => `${o.domain}/${o.appName}`));
      },
    };
    const list = createOnlineList(
      {
        TENCENT_API_URL: t.sim.apiUrl,
        MIX_REQUEST_TIMEOUT_MS: 1000,
        TENCENT_SECRET_ID: KEYS.secretId,
        TENCENT_SECRET_KEY: KEYS.secretKey,
        TENCENT_ONLINE_LIST_PAGE_SIZE: 300_000,
        TENCENT_PUSH_DOMAINS: [
          { domain: 'a.test', appName: 'live' },
          { domain: 'b.test', appName: 'studio' },
        ],
      },
      learned,
    );
    const live = await list?.liveStreams();
    expect(live?.streams).toEqual(new Set(['x1', 'y1']));
    expect(live?.origins).toEqual(new Set(['a.test/live', 'b.test/studio', 'c.test/live']));
    // c.test showed nothing: not refreshed, so it expires unless a push names it again.
    expect(touched).toEqual([['a.test/live', 'b.test/studio']]);
  });

  test('a refused call for the only origin makes the answer null, with the reason', async () => {
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

describe('each origin all or nothing', () => {
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

  test('a list larger than a page is read page after page, with the origin as filter', async () => {
    const { client, requests } = scripted([page(1, 15, tens(0, 10)), page(2, 15, tens(10, 5))]);
    expect((await onlineList({ client, origins, pageSize: 10 }).liveStreams())?.streams.size).toBe(15);
    expect(requests).toEqual([
      { DomainName: 'a.test', AppName: 'live', PageNum: 1, PageSize: 10 },
      { DomainName: 'a.test', AppName: 'live', PageNum: 2, PageSize: 10 },
    ]);
  });

  test('the page size stays within the documented [10, 300000]', () => {
    const { client } = scripted([]);
    expect(() => onlineList({ client, origins, pageSize: 9 })).toThrow(RangeError);
    expect(() => onlineList({ client, origins, pageSize: 300_001 })).toThrow(RangeError);
    expect(() => onlineList({ client, origins, pageSize: 300_000 })).not.toThrow();
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
    expect(live?.streams.has('s10')).toBe(true);
    expect(live?.streams.has('s9')).toBe(false);
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

  test('a failure on a later page, or of the origins, gives null for the only origin', async () => {
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

  test('one origin failing does not blind the others: they are listed, it is left out and reported', async () => {
    const requests: string[] = [];
    const client: Api3Client = {
      async call<T>(_action: string, body: object) {
        const domain = (body as { DomainName: string }).DomainName;
        requests.push(domain);
        if (domain === 'down.test') {
          return {
            kind: 'transport',
            code: 'timeout',
            durationMs: 1,
            response: {},
            message: '',
          } as Api3CallResult<T>;
        }
        const answer = page(1, 1, [`${domain}_s`]) as {
          data: { Response: { OnlineInfo: { DomainName: string }[] } };
        };
        for (const info of answer.data.Response.OnlineInfo) info.DomainName = domain;
        return answer as unknown as Api3CallResult<T>;
      },
    };
    const reasons: string[] = [];
    const live = await onlineList({
      client,
      origins: async () => ['a.test', 'down.test', 'c.test'].map((domain) => ({ domain, appName: 'live' })),
      onUnavailable: (reason) => reasons.push(reason),
    }).liveStreams();
    expect(requests.sort()).toEqual(['a.test', 'c.test', 'down.test']);
    expect(live).toEqual({
      streams: new Set(['a.test_s', 'c.test_s']),
      origins: new Set(['a.test/live', 'c.test/live']),
      complete: false,
    });
    expect(reasons).toEqual(['down.test/live: timeout']);
  });
});
