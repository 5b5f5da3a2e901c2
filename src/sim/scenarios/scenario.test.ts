import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCallbackJson, streamCallbackSchema } from '../../tencent/callback.js';
import { type CallbackRecorder, startCallbackRecorder } from '../testing/callback-recorder.js';
import { startTestSim, type TestSim } from '../testing/sim-harness.js';
import {
  BUILTIN_SCENARIO_NAMES,
  loadScenario,
  parseScenario,
  playScenario,
  ScenarioError,
} from './scenario.js';

let t: TestSim | undefined;
let recorder: CallbackRecorder | undefined;
afterEach(async () => {
  await t?.close();
  await recorder?.close();
  t = undefined;
  recorder = undefined;
});

describe('shipped scenarios', () => {
  it('are the five the issue asks for, and the one `mixkeeper dev` plays', () => {
    expect(BUILTIN_SCENARIO_NAMES.sort()).toEqual([
      'co-host-join-leave',
      'demo',
      'flapping-guest',
      'grid-9',
      'pk',
      'voice-room',
    ]);
  });

  it.each(BUILTIN_SCENARIO_NAMES)(
    '%s parses, is in time order and follows the service’s stream params',
    async (name) => {
      const scenario = await loadScenario(name);
      expect(scenario.name).toBe(name);
      expect(scenario.steps.length).toBeGreaterThan(3);
      const times = scenario.steps.map((s) => s.at);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      const pushes = scenario.steps.flatMap((s) => ('push' in s ? [s.push] : []));
      expect(pushes.length).toBeGreaterThan(0);
      for (const push of pushes) {
        const params = new URLSearchParams(String(push.params));
        expect(params.get('mix_room')).toMatch(/^\w+$/);
        expect(['main', 'guest']).toContain(params.get('mix_role'));
      }
    },
  );

  it('the voice room is audio only and the grid has nine people', async () => {
    const voice = await loadScenario('voice-room');
    const pushes = voice.steps.flatMap((s) => ('push' in s ? [String(s.push.params)] : []));
    expect(pushes.length).toBeGreaterThan(0);
    expect(pushes.filter((params) => !params.includes('mix_media=audio'))).toEqual([]);
    const grid = await loadScenario('grid-9');
    const people = new Set(grid.steps.flatMap((s) => ('push' in s ? [s.push.streamId] : [])));
    expect(people.size).toBe(9);
  });

  it('the demo ends with its room demo still on air: a host and a guest, until the user stops it', async () => {
    const scenario = await loadScenario('demo');
    const onAir = new Set<string>();
    for (const step of scenario.steps) {
      if ('push' in step) {
        expect(new URLSearchParams(String(step.push.params)).get('mix_room')).toBe('demo');
        onAir.add(step.push.streamId);
      } else if ('stop' in step) onAir.delete(step.stop);
    }
    expect([...onAir].sort()).toEqual(['demo_guest_1', 'demo_host']);
  });
});

describe('playScenario', () => {
  it('replays pushes and stops at their (scaled) times, with their callbacks', async () => {
    recorder = await startCallbackRecorder();
    t = await startTestSim({ timeScale: 0.002, callbackUrl: recorder.url });
    const scenario = await loadScenario('co-host-join-leave');
    const began = Date.now();
    const result = await playScenario(t.sim, scenario);
    expect(result).toEqual({ played: 6, aborted: false });
    // The last step is at 60 s: 120 ms at this scale.
    expect(Date.now() - began).toBeGreaterThanOrEqual(115);
    const expected = [
      [1, 'cohost_host'],
      [1, 'cohost_guest_1'],
      [1, 'cohost_guest_2'],
      [0, 'cohost_guest_2'],
      [0, 'cohost_guest_1'],
      [0, 'cohost_host'],
    ];
    // Sent in timeline order…
    expect(t.sim.callbacks().map((c) => [c.kind === 'push' ? 1 : 0, c.streamId])).toEqual(expected);
    // …and all delivered. On a loaded machine an answer may come after the simulator's (scaled)
    // timeout: that delivery is sent again, so it may arrive twice and out of order.
    const { sim } = t;
    await vi.waitFor(() => expect(sim.callbacks().filter((c) => c.pending || !c.delivered)).toEqual([]));
    const callbacks = recorder.received.map((c) => streamCallbackSchema.parse(parseCallbackJson(c.text)));
    expect(callbacks.map((c) => [c.event_type, c.stream_id])).toEqual(expect.arrayContaining(expected));
    expect(t.sim.streams()).toEqual([]);
  });

  it('the flapping guest replaces its own live push, whose stale disconnect follows', async () => {
    recorder = await startCallbackRecorder();
    t = await startTestSim({ timeScale: 0.002, callbackUrl: recorder.url });
    await playScenario(t.sim, await loadScenario('flapping-guest'));
    await vi.waitFor(() => {
      const guest = recorder!.received
        .map((c) => streamCallbackSchema.parse(parseCallbackJson(c.text)))
        .filter((c) => c.stream_id === 'flap_guest');
      expect(guest.some((c) => c.event_type === 0 && c.errcode === 21)).toBe(true);
    });
  });

  it('stops when its signal is aborted', async () => {
    t = await startTestSim({ timeScale: 0.002 });
    const controller = new AbortController();
    const result = await playScenario(t.sim, await loadScenario('co-host-join-leave'), {
      signal: controller.signal,
      onStep: (_step, index) => {
        if (index === 2) controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.played).toBe(3);
    expect(t.sim.streams().map((s) => s.streamId)).toEqual([
      'cohost_host',
      'cohost_guest_1',
      'cohost_guest_2',
    ]);
  });

  it('stops when the simulator closes', async () => {
    const sim = await startTestSim({ timeScale: 0.002 });
    const playing = playScenario(sim.sim, await loadScenario('pk'));
    setTimeout(() => void sim.close(), 20);
    expect(await playing).toMatchObject({ aborted: true });
  });
});

describe('loadScenario', () => {
  it('reads a file: a bare array of steps works too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mk-scenario-'));
    try {
      const file = join(dir, 'mine.json');
      await writeFile(
        file,
        JSON.stringify([
          { at: 10, stop: 'a' },
          { at: 0, push: { streamId: 'a' } },
        ]),
      );
      const scenario = await loadScenario(file);
      expect(scenario.steps.map((s) => s.at)).toEqual([0, 10]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the bad field of an invalid scenario', () => {
    expect(() => parseScenario({ timeline: [{ at: 0, push: { streamId: 'a b' } }] }, 'x.json')).toThrow(
      /scenario x\.json at timeline\.0/,
    );
    expect(() => parseScenario([{ at: -1, stop: 'a' }], 'y.json')).toThrow(ScenarioError);
  });

  it('explains a missing file and lists the shipped names', async () => {
    await expect(loadScenario('/nonexistent/nope.json')).rejects.toThrow(/ENOENT.*co-host-join-leave/);
  });
});
