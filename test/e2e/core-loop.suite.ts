import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, test } from 'vitest';
import { type AnySimRequest, mixInputs, type Stack } from '../support/stack.js';
import { stackPerTest } from '../support/stack-per-test.js';

/**
 * The core loop's end-to-end behaviours, over any stack: in-process on one Redis
 * (core-loop.test.ts), through a Redis Cluster (test/cluster), and with several api and worker
 * processes (test/scale). Each stack must give the same outcomes.
 */

/** What the behaviours drive: the simulator, and the rooms API of whichever process answers. */
export type CoreLoopStack = Pick<
  Stack,
  'push' | 'stop' | 'requests' | 'starts' | 'violations' | 'faults' | 'room' | 'until' | 'settled' | 'close'
>;

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string, extra: Record<string, string> = {}) => ({ mix_room: room, ...extra });
// Either protocol's body (legacy Mix_StreamV2 or API 3.0).
const inputsOf = (req: Pick<AnySimRequest, 'body'>) => mixInputs(req).map((i) => i.id);

/** `open` gives a stack for one test, `close()` ends it (a shared stack may make close a no-op). */
export function coreLoopSuite(open: () => Promise<CoreLoopStack>): void {
  let stack: CoreLoopStack;
  const track = stackPerTest<CoreLoopStack>();
  // Room ids are new in every test, so a stack shared by several tests never sees a room twice.
  let tag = '';
  const id = (room: string) => `${room}_${tag}`;
  beforeEach(async () => {
    tag = randomUUID().replaceAll('-', '').slice(0, 8);
    stack = track(await open());
  });

  describe('mixes follow hosts', () => {
    test('main + guest start a PiP after the readiness delay; a second guest updates the same session', async () => {
      const r1 = id('r1');
      await stack.push('host_a', main(r1));
      await stack.push('guest_b', guest(r1));
      await stack.until(async () => expect(await stack.starts()).toHaveLength(1));
      const [first] = await stack.starts();
      expect(first?.code).toBe(0);
      expect(first?.outputStreamId).toBe('host_a');
      expect(inputsOf(first!)).toEqual(['host_a', 'guest_b']);
      await stack.until(async () => expect((await stack.room(r1))?.status).toBe('mixing'));

      await stack.push('guest_c', guest(r1));
      await stack.until(async () => expect(await stack.starts()).toHaveLength(2));
      const second = (await stack.starts())[1]!;
      expect(second.sessionId).toBe(first?.sessionId);
      expect(inputsOf(second)).toEqual(['host_a', 'guest_b', 'guest_c']);
    });

    test('guests leaving re-lay out the mix, then the last leave cancels it', async () => {
      const r2 = id('r2');
      await stack.push('host_a', main(r2));
      await stack.push('guest_b', guest(r2));
      await stack.push('guest_c', guest(r2));
      await stack.until(async () => {
        const starts = await stack.starts();
        expect(starts.length).toBeGreaterThan(0);
        expect(inputsOf(starts.at(-1)!)).toHaveLength(3);
      });
      await stack.stop('guest_b');
      await stack.until(async () =>
        expect(inputsOf((await stack.starts()).at(-1)!)).toEqual(['host_a', 'guest_c']),
      );
      await stack.stop('guest_c');
      await stack.until(async () =>
        expect((await stack.requests()).filter((r) => r.op === 'cancel')).toHaveLength(1),
      );
      await stack.until(async () => expect((await stack.room(r2))?.status).toBe('idle'));
    });

    test('an audio-only guest is mixed as input_type 4', async () => {
      const r3 = id('r3');
      await stack.push('host_a', main(r3));
      await stack.push('voice_b', guest(r3, { mix_media: 'audio' }));
      await stack.until(async () => expect(await stack.starts()).toHaveLength(1));
      const inputs = mixInputs((await stack.starts())[0]!);
      expect(inputs.find((i) => i.id === 'voice_b')?.inputType).toBe(4);
    });
  });

  describe('streams the mix API cannot take', () => {
    test('a guest whose id has - or . shows in its room as unmixable and is never put in a plan', async () => {
      const r8 = id('r8');
      const bad = 'guest-b.cam';
      const unmixable = (room: Awaited<ReturnType<CoreLoopStack['room']>>) =>
        room?.streams.find((s) => s.streamId === bad);
      await stack.push('host_a', main(r8));
      await stack.push(bad, guest(r8));
      await stack.until(async () =>
        expect(unmixable(await stack.room(r8))).toMatchObject({
          state: 'live',
          unmixable: expect.stringMatching(/letters, digits or underscores/),
        }),
      );
      // The main alone is one mixable stream: once both pushes are applied and every reconcile
      // they set going has run (readiness waits included), there is nothing to mix.
      await stack.settled();
      expect(await stack.room(r8)).toMatchObject({ desired: null, status: 'idle' });
      expect(await stack.starts()).toEqual([]);

      await stack.push('guest_c', guest(r8));
      await stack.until(async () => expect((await stack.room(r8))?.status).toBe('mixing'));
      const starts = await stack.starts();
      expect(starts.length).toBeGreaterThan(0);
      for (const start of starts) expect(inputsOf(start)).not.toContain(bad);
      expect(inputsOf(starts.at(-1)!)).toEqual(['host_a', 'guest_c']);
      const room = await stack.room(r8);
      expect(room?.desired?.inputs.map((t) => t.streamId)).not.toContain(bad);
      expect(unmixable(room)?.unmixable).toMatch(/letters, digits or underscores/);
      expect(await stack.violations()).toEqual([]);
    });
  });

  describe('platform errors', () => {
    test.each([-505, -10031])('%i twice, then success: three starts, mixing', async (code) => {
      const r4 = id('r4');
      await stack.faults({ seed: 1, script: [{ op: 'start', code, times: 2 }] });
      await stack.push('host_a', main(r4));
      await stack.push('guest_b', guest(r4));
      await stack.until(async () => expect((await stack.room(r4))?.status).toBe('mixing'));
      expect((await stack.starts()).map((r) => r.code)).toEqual([code, code, 0]);
    });

    test('-2 is permanent: one start, the room fails with the code', async () => {
      const r5 = id('r5');
      await stack.faults({ seed: 1, script: [{ op: 'start', code: -2, times: 1 }] });
      await stack.push('host_a', main(r5));
      await stack.push('guest_b', guest(r5));
      await stack.until(async () => expect((await stack.room(r5))?.status).toBe('failed'));
      expect((await stack.room(r5))?.lastError?.code).toBe(-2);
      // The failing reconcile and anything it set going have run: no start was tried again.
      await stack.settled();
      expect(await stack.starts()).toHaveLength(1);
    });
  });

  describe('callbacks that arrive twice, late or in bursts', () => {
    test('duplicated and reordered callbacks change nothing', async () => {
      const r6 = id('r6');
      await stack.faults({ seed: 7, callbackDuplicate: 1, callbackReorderMs: 30 });
      await stack.push('host_a', main(r6));
      await stack.push('guest_b', guest(r6));
      await stack.until(async () => expect((await stack.room(r6))?.status).toBe('mixing'));
      // Every copy delivered (the late ones too) and applied, every reconcile run.
      await stack.settled();
      const starts = await stack.starts();
      expect(starts).toHaveLength(1);
      expect(inputsOf(starts[0]!)).toEqual(['host_a', 'guest_b']);
    });

    test('a burst of five joins leads to at most two starts', async () => {
      const r7 = id('r7');
      await stack.push('host_a', main(r7));
      await Promise.all(['g1', 'g2', 'g3', 'g4', 'g5'].map((g) => stack.push(g, guest(r7))));
      await stack.until(async () => {
        const starts = await stack.starts();
        expect(starts.length).toBeGreaterThan(0);
        expect(inputsOf(starts.at(-1)!)).toHaveLength(6);
      });
      await stack.settled();
      expect((await stack.starts()).length).toBeLessThanOrEqual(2);
    });
  });
}
