import { beforeEach, describe, expect, test } from 'vitest';
import {
  type AnySimRequest,
  type Backend,
  type LegacyMixBody,
  mixInputs,
  type Stack,
  startStack,
} from '../support/stack.js';
import { stackPerTest } from '../support/stack-per-test.js';

/**
 * Each backend is held to its own API's limits end to end (reference §6.2: Cloud API 3.0 refuses
 * inputs and pixel values over 2000, where Mix_StreamV2 takes 3000), and the dry run an operator
 * reads is the request that is then sent. The simulator refuses an API 3.0 input over 2000 px
 * (-10021), so a plan that ignored the limit would show up as a failed room.
 */

const inputsOf = (req: Pick<AnySimRequest, 'body'>) => mixInputs(req).map((i) => i.id);

const main = { mix_room: 'big', mix_role: 'main' };
const guest = { mix_room: 'big' };
const big = { width: 2560, height: 1440 };

/** A stack of `backend` for each test of the describe it is called in. */
function stackFor(backend: Backend): () => Stack {
  let stack: Stack;
  const track = stackPerTest<Stack>();
  beforeEach(async () => {
    stack = track(await startStack({}, { backend }));
  });
  return () => stack;
}

describe('a guest pushing 2560×1440', () => {
  describe('legacy backend', () => {
    const current = stackFor('legacy');

    test('is mixed: Mix_StreamV2 takes up to 3000 px', async () => {
      const stack = current();
      await stack.push('host_a', main);
      await stack.push('guest_big', guest, big);
      await stack.until(async () => expect((await stack.room('big'))?.status).toBe('mixing'));
      expect((await stack.starts()).map(inputsOf)).toEqual([['host_a', 'guest_big']]);
    });
  });

  describe('api3 backend', () => {
    const current = stackFor('api3');

    test('is never sent, and the room says why', async () => {
      const stack = current();
      await stack.push('host_a', main);
      await stack.push('guest_big', guest, big);
      const reason =
        "guest_big left out: its 2560×1440 picture is over Cloud API 3.0's input limit of 2000 px a side";
      await stack.until(async () => {
        const room = await stack.room('big');
        expect(room?.streams.map((s) => s.streamId)).toEqual(['host_a', 'guest_big']);
        expect(room?.explain).toContain(reason);
      });
      expect((await stack.room('big'))?.desired).toBeNull();

      // A guest the API can take starts the mix without the large one: the first request ever sent.
      await stack.push('guest_c', guest);
      await stack.until(async () => expect((await stack.room('big'))?.status).toBe('mixing'));
      expect((await stack.requests()).map(inputsOf)).toEqual([['host_a', 'guest_c']]);
      const room = await stack.room('big');
      expect(room?.lastError).toBeNull();
      expect(room?.explain).toContain(reason);
    });
  });
});

describe.each(['legacy', 'api3'] as const)('%s backend', (backend: Backend) => {
  const current = stackFor(backend);

  test('the dry run shows the body this backend then sends, and no secret', async () => {
    const stack = current();
    await stack.push('host_a', main);
    await stack.push('guest_b', guest);
    await stack.until(async () => expect((await stack.room('big'))?.status).toBe('mixing'));

    const res = await fetch(`${stack.service.url}/v1/rooms/big/plan`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ join: [{ streamId: 'guest_c', width: 540, height: 960 }] }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    const { config } = stack;
    for (const secret of [
      config.TENCENT_SECRET_KEY,
      config.TENCENT_SECRET_ID,
      config.TENCENT_MIX_KEY,
      config.TENCENT_CALLBACK_KEY,
      config.ADMIN_TOKEN,
    ]) {
      if (secret) expect(text).not.toContain(secret);
    }
    const shown = (JSON.parse(text) as { request: { backend: string; action: string; body: unknown } })
      .request;
    expect(shown.backend).toBe(backend);
    expect(shown.action).toBe(
      backend === 'api3' ? 'CreateCommonMixStream' : 'mix_streamv2.start_mix_stream_advanced',
    );

    await stack.push('guest_c', guest);
    await stack.until(async () => expect(await stack.starts()).toHaveLength(2));
    const sent = (await stack.starts())[1]!;
    expect(inputsOf(sent)).toEqual(['host_a', 'guest_b', 'guest_c']);
    if (backend === 'api3') {
      expect(sent.body).toEqual(shown.body);
    } else {
      // The envelope's timestamp and eventId are taken when it is sent; everything mixed is the same.
      const para = (body: unknown) => (body as LegacyMixBody).interface.para;
      expect(para(sent.body)).toEqual(para(shown.body));
    }
  });
});
