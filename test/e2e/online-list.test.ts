import { describe, expect, test } from 'vitest';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { mixInputs, type Stack, startStack } from '../support/stack.js';
import { stackPerTest } from '../support/stack-per-test.js';

/**
 * The api3 stack's resync trusts the platform's online list (DescribeLiveStreamOnlineList, asked
 * for the push domain and AppName its callbacks named) over the callbacks themselves: it repairs a
 * lost disconnect, and drops a push that was never live (a callback's signature does not cover
 * its body). A sweep every 200 ms here; an unlisted stream is gone 100 ms (1 s where a test says so)
 * after it was learnt of.
 */

let stack: Stack;
const track = stackPerTest<Stack>();
/** The api3 stack, with the online list trusted `graceMs` after a stream is learnt of. */
async function open(graceMs = 100): Promise<void> {
  stack = track(
    await startStack(
      { RESYNC_INTERVAL_MS: '200', RESYNC_JITTER_MS: '0', LIVE_TRUTH_GRACE_MS: String(graceMs) },
      { backend: 'api3' },
    ),
  );
}

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string) => ({ mix_room: room });
const lastInputs = async () => mixInputs((await stack.starts()).at(-1)!).map((i) => i.id);

describe('the online list as the truth about who is live', () => {
  test('a disconnect whose callback is lost is repaired from the list', async () => {
    await open();
    await stack.push('host_a', main('ol1'));
    await stack.push('guest_b', guest('ol1'));
    await stack.push('guest_c', guest('ol1'));
    await stack.until(async () => expect(await lastInputs()).toEqual(['host_a', 'guest_b', 'guest_c']));
    await stack.until(async () => expect((await stack.room('ol1'))?.status).toBe('mixing'));

    await stack.faults({ seed: 3, callbackDrop: 1 });
    await stack.stop('guest_c');
    await stack.until(async () => expect(await lastInputs()).toEqual(['host_a', 'guest_b']));
    const room = await stack.room('ol1');
    expect(room?.streams.find((s) => s.streamId === 'guest_c')?.state ?? 'gone').not.toBe('live');
  });

  test('a signed push for a stream that is not live is dropped', async () => {
    // A grace (1 s) far beyond the readiness delay (50 ms): the reconcile asks for ghost_x before
    // the resync may end it, so the platform's refusal is seen, not only the repair.
    await open(1000);
    await stack.push('host_a', main('ol2'));
    await stack.push('guest_b', guest('ol2'));
    await stack.until(async () => expect((await stack.room('ol2'))?.status).toBe('mixing'));

    // A captured (t, sign) pair reused with a body of the forger's choosing.
    const t = Math.floor(Date.now() / 1000) + 600;
    const forged = await fetch(`${stack.service.url}/callbacks/tencent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        event_type: 1,
        t,
        sign: md5Sign(stack.config.TENCENT_CALLBACK_KEY!, t),
        appid: stack.config.TENCENT_APPID,
        app: 'sim.livepush.myqcloud.com',
        appname: 'live',
        stream_id: 'ghost_x',
        channel_id: 'ghost_x',
        event_time: t - 600,
        sequence: '1234567890123456789',
        stream_param: new URLSearchParams(guest('ol2')).toString(),
        errcode: 0,
        errmsg: 'ok',
        width: 540,
        height: 960,
      }),
    });
    expect(forged.status).toBe(200);
    await stack.until(async () =>
      expect((await stack.room('ol2'))?.streams.map((s) => s.streamId)).toContain('ghost_x'),
    );
    // The list never shows ghost_x: the resync ends it, and the mix is host_a + guest_b again.
    await stack.until(async () =>
      expect(
        (await stack.room('ol2'))?.streams.filter((s) => s.state === 'live').map((s) => s.streamId),
      ).toEqual(['host_a', 'guest_b']),
    );
    await stack.until(async () => expect((await stack.room('ol2'))?.status).toBe('mixing'));
    // Starts named ghost_x, and the platform refused every one (-505: not live); what it mixes is
    // what it mixed before.
    const starts = await stack.starts();
    const named = starts.filter((r) => mixInputs(r).some((i) => i.id === 'ghost_x'));
    expect(named.length).toBeGreaterThan(0);
    expect(named.map((r) => r.code)).toEqual(named.map(() => -505));
    expect(mixInputs(starts.filter((r) => r.code === 0).at(-1)!).map((i) => i.id)).toEqual([
      'host_a',
      'guest_b',
    ]);
  });
});
