import { describe, expect, test } from 'vitest';
import { NO_ORIGIN, UNLISTED } from '../../src/reconcile/verify-streams.js';
import { md5Sign } from '../../src/tencent/md5-sign.js';
import { mixInputs, type Stack, startStack } from '../support/stack.js';
import { stackPerTest } from '../support/stack-per-test.js';

/**
 * Issue 14 §1.4: with VERIFY_NEW_STREAMS, a new stream is checked against the platform's online list
 * (DescribeLiveStreamOnlineList filtered by StreamName, here the simulator's) before it is first
 * mixed. A forged push of a stream nobody pushes never reaches a mix request — today it is mixed,
 * refused by the platform (-505) and only repaired by the resync — and its room says why.
 */

let stack: Stack;
const track = stackPerTest<Stack>();

async function open(overrides: Record<string, string> = {}): Promise<void> {
  stack = track(
    await startStack(
      { VERIFY_NEW_STREAMS: 'true', STREAM_VERIFY_WINDOW_MS: '600', ...overrides },
      { backend: 'api3' },
    ),
  );
}

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string) => ({ mix_room: room });

/** A push callback for a stream that is not live, signed with the real key: a captured (t, sign) reused. */
async function forgePush(streamId: string, room: string, origin = { app: 'sim.livepush.myqcloud.com' }) {
  const t = Math.floor(Date.now() / 1000) + 600;
  const res = await fetch(`${stack.service.url}/callbacks/tencent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      event_type: 1,
      t,
      sign: md5Sign(stack.config.TENCENT_CALLBACK_KEY!, t),
      ...origin,
      appname: 'live',
      stream_id: streamId,
      event_time: t - 600,
      sequence: '1234567890123456789',
      stream_param: new URLSearchParams(guest(room)).toString(),
      width: 540,
      height: 960,
    }),
  });
  expect(res.status).toBe(200);
}

const named = async (streamId: string) =>
  (await stack.starts()).filter((r) => mixInputs(r).some((i) => i.id === streamId));

describe('new streams verified against the online list', () => {
  test('streams the platform lists are mixed; a forged one is never asked for, and the room says why', async () => {
    await open();
    await stack.push('host_a', main('v1'));
    await stack.push('guest_b', guest('v1'));
    await stack.until(async () =>
      expect(mixInputs((await stack.starts()).at(-1)!).map((i) => i.id)).toEqual(['host_a', 'guest_b']),
    );

    await forgePush('ghost_x', 'v1');
    await stack.until(async () => {
      const room = await stack.room('v1');
      expect(room?.streams.find((s) => s.streamId === 'ghost_x')?.unmixable).toBe(UNLISTED);
      expect(room?.explain).toContain(`ghost_x: ${UNLISTED}`);
    });
    await stack.settled();
    expect(await named('ghost_x')).toEqual([]);
    const starts = await stack.starts();
    expect(starts.map((r) => r.code)).toEqual(starts.map(() => 0));
    expect((await stack.room('v1'))?.status).toBe('mixing');

    // A genuine guest pushed afterwards is still mixed.
    await stack.push('guest_c', guest('v1'));
    await stack.until(async () =>
      expect(mixInputs((await stack.starts()).at(-1)!).map((i) => i.id)).toEqual([
        'host_a',
        'guest_b',
        'guest_c',
      ]),
    );
  });

  test('a forged push naming another push domain is not mixed either; while waiting, the room says so', async () => {
    await open({ STREAM_VERIFY_WINDOW_MS: '3000' });
    await stack.push('host_a', main('v2'));
    await stack.push('guest_b', guest('v2'));
    await stack.until(async () => expect((await stack.room('v2'))?.status).toBe('mixing'));
    await forgePush('ghost_y', 'v2', { app: 'elsewhere.example.com' });
    await stack.until(async () =>
      expect((await stack.room('v2'))?.explain?.join('\n')).toMatch(
        /ghost_y: waiting for the platform’s online list/,
      ),
    );
    await stack.until(async () =>
      expect((await stack.room('v2'))?.streams.find((s) => s.streamId === 'ghost_y')?.unmixable).toBe(
        UNLISTED,
      ),
    );
    await forgePush('ghost_z', 'v2', { app: '' });
    await stack.until(async () =>
      expect((await stack.room('v2'))?.streams.find((s) => s.streamId === 'ghost_z')?.unmixable).toBe(
        NO_ORIGIN,
      ),
    );
    await stack.settled();
    expect(await named('ghost_y')).toEqual([]);
    expect(await named('ghost_z')).toEqual([]);
  });
});
