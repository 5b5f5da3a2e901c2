import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createOnlineList } from '../../src/mix/online-list.js';
import { QUEUES, type ReconcileJob } from '../../src/queue/catalog.js';
import { applyObservation } from '../../src/rooms/observations.js';
import { LEARNED_ORIGIN_TTL_MS, PushOrigins } from '../../src/rooms/push-origins.js';
import { readRoom } from '../../src/rooms/room-state.js';
import { RoomStore } from '../../src/rooms/room-store.js';
import { startTestSim, type TestSim } from '../../src/sim/index.js';
import { resyncRooms } from '../../workers/resync.js';
import { type Api3Proxy, startApi3Proxy } from '../support/api3-proxy.js';
import { manualClock } from '../support/manual-clock.js';
import { useRedis } from '../support/redis.js';
import { resyncDeps } from '../support/resync-deps.js';

/**
 * The resync reading the platform's online list per push origin: the simulator plays the platform
 * behind a proxy that counts DescribeLiveStreamOnlineList calls (and fails one origin's on demand),
 * rooms and learned origins live in a real Redis.
 */

const { redis, namespace } = useRedis();
const queue = new Queue<ReconcileJob>(QUEUES.reconcile, { connection: redis, prefix: `{${namespace}}` });
const KEYS = { secretId: 'AKIDoriginstest01', secretKey: 'origins-test-key-9e2d' };
const HOUR = 3600_000;
const LIST = 'DescribeLiveStreamOnlineList';

let t: TestSim;
let proxy: Api3Proxy;
beforeAll(async () => {
  t = await startTestSim({ timeScale: 0.004, ...KEYS });
  proxy = await startApi3Proxy(t.sim.apiUrl);
});
afterAll(async () => {
  await proxy.close();
  await t.close();
  await queue.close();
});

let run = 0;
/** A world of its own per test: rooms, learned origins, a clock, and the resync over them. */
function world(pushDomains?: string, env: Record<string, string> = {}) {
  run += 1;
  const ns = `${namespace}:w${run}`;
  const clock = manualClock(Date.now());
  const store = new RoomStore(redis, { namespace: ns });
  const learned = new PushOrigins(redis, { namespace: ns, now: clock.now });
  const config = loadConfig({
    TENCENT_API_URL: proxy.url,
    TENCENT_SECRET_ID: KEYS.secretId,
    TENCENT_SECRET_KEY: KEYS.secretKey,
    MIX_REQUEST_TIMEOUT_MS: '300',
    ...(pushDomains ? { TENCENT_PUSH_DOMAINS: pushDomains } : {}),
    ...env,
  });
  const onlineList = createOnlineList(config, learned);
  const listed = proxy.callsOf(LIST).length;
  return {
    clock,
    store,
    learned,
    /** DescribeLiveStreamOnlineList calls since the world began: `domain/app PageSize`. */
    listCalls: () =>
      proxy
        .callsOf(LIST)
        .slice(listed)
        .map(({ body }) => `${body.DomainName}/${body.AppName} ${body.PageSize}`)
        .sort(),
    resync: () => resyncRooms(resyncDeps({ store, reconcileQueue: queue, onlineList, now: clock.now })),
    /** A push mixkeeper learnt of (room state only: its callback's origin as the events worker records it). */
    async push(roomId: string, streamId: string, origin: string, role: 'main' | 'guest' = 'guest') {
      await applyObservation(
        store,
        {
          kind: 'push',
          streamId,
          sequence: '1',
          eventTimeMs: clock.now(),
          receivedAt: clock.now(),
          width: 540,
          height: 960,
          membership: { roomId, role, media: 'av', notes: [], ...(role === 'main' ? { preset: 'pip' } : {}) },
          origin,
        },
        clock.now(),
      );
    },
    async live(roomId: string) {
      const state = await readRoom(store, roomId);
      return (state?.streams.filter((s) => s.leftAt === undefined).map((s) => s.streamId) ?? []).sort();
    },
  };
}

/** Streams live at the simulated platform under `domain/appName`. */
async function platformPushes(names: string[], domain: string, appName = 'live') {
  for (const streamId of names) await t.push({ streamId, domain, appName });
}

describe('the online list as the platform serves it', () => {
  test('one resync asks each origin once, with a page that holds everything (more than the old 100-stream pages, 2 origins)', async () => {
    const w = world('one.test');
    await platformPushes(
      Array.from({ length: 104 }, (_, i) => `one_${i}`),
      'one.test',
    );
    await platformPushes(['two_host'], 'two.test', 'studio');
    expect(await w.learned.record({ domain: 'two.test', appName: 'studio' })).toBe('added');
    await w.push('o1', 'one_0', 'one.test/live', 'main');
    await w.push('o1', 'two_host', 'two.test/studio');
    await w.push('o1', 'one_lost', 'one.test/live');
    w.clock.advance(60_000);

    const report = await w.resync();
    expect(w.listCalls()).toEqual(['one.test/live 300000', 'two.test/studio 300000']);
    expect(report.onlineList).toBe('used');
    // The list repaired the lost disconnect and vouched for the others.
    expect(await w.live('o1')).toEqual(['one_0', 'two_host']);
  });

  test('TENCENT_ONLINE_LIST_PAGE_SIZE is the PageSize sent: 25 streams at 10 a page are read in 3 calls', async () => {
    const w = world('paged.test', { TENCENT_ONLINE_LIST_PAGE_SIZE: '10' });
    await platformPushes(
      Array.from({ length: 25 }, (_, i) => `paged_${i}`),
      'paged.test',
    );
    await w.push('p1', 'paged_24', 'paged.test/live', 'main');
    await w.push('p1', 'paged_lost', 'paged.test/live');
    w.clock.advance(60_000);

    expect((await w.resync()).onlineList).toBe('used');
    expect(w.listCalls()).toEqual(Array(3).fill('paged.test/live 10'));
    expect(await w.live('p1')).toEqual(['paged_24']);
  });

  test('a configured origin is asked about without any callback having named it', async () => {
    const w = world('conf.test/live');
    expect(await w.learned.list()).toEqual([]);
    await platformPushes(['conf_host'], 'conf.test');
    await w.push('c1', 'conf_host', 'conf.test/live', 'main');
    await w.push('c1', 'conf_gone', 'conf.test/live');
    w.clock.advance(60_000);

    await w.resync();
    expect(w.listCalls()).toEqual(['conf.test/live 300000']);
    expect(await w.live('c1')).toEqual(['conf_host']);
  });

  test('a learned origin no longer used expires and is no longer asked about', async () => {
    const w = world();
    await w.learned.record({ domain: 'old.test', appName: 'live' });
    await w.resync();
    expect(w.listCalls()).toEqual(['old.test/live 300000']);

    // Nothing pushed to it and nothing listed under it for the TTL: gone.
    w.clock.advance(LEARNED_ORIGIN_TTL_MS + 1);
    const report = await w.resync();
    expect(w.listCalls()).toEqual(['old.test/live 300000']);
    expect(report.onlineList).toBe('unavailable');
  });

  test('an origin whose list shows streams stays learned past the TTL without any push', async () => {
    const w = world();
    await platformPushes(['busy_1'], 'busy.test');
    await w.learned.record({ domain: 'busy.test', appName: 'live' });
    for (let day = 0; day < 3; day += 1) {
      w.clock.advance(LEARNED_ORIGIN_TTL_MS / 2);
      await w.resync();
    }
    expect(w.listCalls()).toHaveLength(3);
    expect(await w.learned.list()).toEqual([{ domain: 'busy.test', appName: 'live' }]);
  });

  test('one origin timing out does not blind the others: they are repaired, its streams keep the silence rule', async () => {
    const w = world('good.test,down.test');
    proxy.fail((call) => call.action === LIST && call.body.DomainName === 'down.test', 'timeout');
    await platformPushes(['good_host'], 'good.test');
    await platformPushes(['down_guest'], 'down.test');
    await w.push('f1', 'good_host', 'good.test/live', 'main');
    await w.push('f1', 'good_lost', 'good.test/live');
    await w.push('f1', 'down_guest', 'down.test/live');
    await w.push('f1', 'down_lost', 'down.test/live');
    w.clock.advance(60_000);

    const report = await w.resync();
    expect(w.listCalls()).toEqual(['down.test/live 300000', 'good.test/live 300000']);
    expect(report.onlineList).toBe('partial');
    // good_lost is repaired; down.test's streams cannot be told apart, so both stay for now.
    expect(await w.live('f1')).toEqual(['down_guest', 'down_lost', 'good_host']);

    // Six hours on, down.test still unreadable: the silence rule ends its streams; good_host, listed
    // and confirmed all along, stays.
    for (let i = 0; i < 4; i += 1) {
      w.clock.advance(2 * HOUR);
      await w.resync();
    }
    expect(await w.live('f1')).toEqual(['good_host']);
  });
});
