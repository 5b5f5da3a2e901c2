import { afterEach, describe, expect, it, vi } from 'vitest';
import { mixBody, startPara, type TileSpec } from '../testing/mix-client.js';
import { GUEST, HOST, HOST_TILE, PIP_GUEST, TWO_UP } from '../testing/pip-room.js';
import { sleep, startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';
import type { SessionView } from './session-view.js';

/** Sessions following their streams: seed FAQ 6, 9 and 12. */

let t: TestSim;
afterEach(() => t.close());

async function startTwoUp(timeScale: number): Promise<void> {
  t = await startTestSim({ timeScale });
  await t.pushReady(HOST, GUEST);
  expect((await t.mix(mixBody(TEST_KEYS.appId, startPara('room_1', 'host_a', TWO_UP)))).json?.code).toBe(0);
}

describe('abandoned sessions', () => {
  // 15 min × 0.0005 = 450 ms.
  const scale = 0.0005;

  const cancelledSession = (sessionId: string) =>
    vi.waitFor(
      async () => {
        const all = await t.getJson<SessionView[]>('/sim/sessions?all=1');
        const session = all.find((s) => s.sessionId === sessionId);
        expect(session).toMatchObject({ state: 'cancelled', cancelReason: 'abandoned' });
        return session!;
      },
      { timeout: 3000, interval: 10 },
    );

  /**
   * A witness: room_2 (host_c + guest_d) starts, then loses every stream now. Its abandoned cancel
   * is due no earlier than any room_1 counted before; once it has come, room_1's had its chance.
   */
  async function abandonWitness(): Promise<() => Promise<SessionView>> {
    await t.pushReady(
      { streamId: 'host_c', width: 720, height: 1280 },
      { streamId: 'guest_d', width: 480, height: 640 },
    );
    const tiles = TWO_UP.map((tile, i) => ({ ...tile, id: i === 0 ? 'host_c' : 'guest_d' }));
    expect((await t.mix(mixBody(TEST_KEYS.appId, startPara('room_2', 'host_c', tiles)))).json?.code).toBe(0);
    return async () => {
      await t.del('/sim/streams/guest_d');
      await t.del('/sim/streams/host_c');
      return cancelledSession('room_2');
    };
  }

  it('are cancelled 15 min (scaled) after every input stream is gone', async () => {
    await startTwoUp(scale);
    await t.del('/sim/streams/guest_b');
    await t.del('/sim/streams/host_a');
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    const cancelAt = session?.abandonedCancelAt ?? 0;
    expect(cancelAt - Date.now()).toBeGreaterThan(350);
    const cancelled = await cancelledSession('room_1');
    // When the 15 min were up, not before (a timer may fire a millisecond early).
    expect(cancelled.cancelledAt).toBeGreaterThanOrEqual(cancelAt - 2);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
  });

  it('are kept while one input stream is still live', async () => {
    await startTwoUp(scale);
    const abandon = await abandonWitness();
    await t.del('/sim/streams/guest_b');
    await abandon();
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session).toMatchObject({ sessionId: 'room_1', state: 'live', frozen: false });
    expect(session?.abandonedCancelAt).toBeUndefined();
  });

  it('resume when a stream re-pushes before the 15 min are up', async () => {
    await startTwoUp(scale);
    const abandon = await abandonWitness();
    await t.del('/sim/streams/guest_b');
    await t.del('/sim/streams/host_a');
    await sleep(200);
    await t.push(HOST);
    await abandon();
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session).toMatchObject({ sessionId: 'room_1', state: 'live', frozen: false });
    expect(session?.inputs.map((i) => i.frozen)).toEqual([false, true]);
  });
});

describe('resolution changes', () => {
  /** A live mix of host_a with `small` (120×160) in its own size on layer 2, then `more` streams' tiles. */
  async function mixWithSmall(small: string, ...more: [Record<string, unknown>, TileSpec][]) {
    t = await startTestSim();
    await t.pushReady(HOST, { streamId: small, width: 120, height: 160 }, ...more.map(([stream]) => stream));
    const tiles = [HOST_TILE, { id: small, layer: 2 }, ...more.map(([, tile]) => tile)];
    expect((await t.mix(mixBody(TEST_KEYS.appId, startPara('room_1', 'host_a', tiles)))).json?.code).toBe(0);
  }

  it('default sizes follow a source that changes resolution', async () => {
    await mixWithSmall('small_c');
    const changed = await t.postJson('/sim/streams/small_c/resolution', { width: 240, height: 320 });
    expect(changed.status).toBe(200);
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs[1]?.rect).toEqual({ x: 0, y: 0, width: 240, height: 320 });
  });

  it('default sizes follow a re-push of a live stream at another resolution', async () => {
    await mixWithSmall('small');
    await t.push({ streamId: 'small', width: 240, height: 320 });
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs[1]?.rect).toEqual({ x: 0, y: 0, width: 240, height: 320 });
  });

  it('a stopped input does not stop the other tiles following a resolution change', async () => {
    await mixWithSmall('small', [
      { ...GUEST, streamId: 'g2' },
      { ...PIP_GUEST, id: 'g2', layer: 3 },
    ]);
    expect(await t.del('/sim/streams/g2')).toBe(200);
    const changed = await t.postJson('/sim/streams/small/resolution', { width: 240, height: 320 });
    expect(changed.status).toBe(200);
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs.map((i) => i.rect)).toEqual([
      { x: 0, y: 0, width: 720, height: 1280 },
      { x: 0, y: 0, width: 240, height: 320 },
      { x: 380, y: 630, width: 160, height: 240 },
    ]);
  });
});

describe('stream and session API', () => {
  it('POST /sim/streams validates its body', async () => {
    t = await startTestSim();
    const bad = await t.postJson<{ code: string; message: string }>('/sim/streams', { streamId: 'a b' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('streamId') });
    const typo = await t.postJson('/sim/streams', { streamID: 'x' });
    expect(typo.status).toBe(400);
  });

  it('a stream is live at once and mixable after the readiness delay (scaled)', async () => {
    t = await startTestSim({ timeScale: 0.01 });
    const pushed = await t.postJson<{ pushedAt: number; readyAt: number; ready: boolean }>('/sim/streams', {
      streamId: 'host_a',
      params: { mix_room: 'r1', mix_role: 'main' },
    });
    expect(pushed.status).toBe(201);
    expect(pushed.body.ready).toBe(false);
    expect(pushed.body.readyAt - pushed.body.pushedAt).toBe(50);
    const [listed] = await t.getJson<Array<{ params: string; ready: boolean }>>('/sim/streams');
    expect(listed?.params).toBe('mix_room=r1&mix_role=main');
    await sleep(60);
    expect((await t.getJson<Array<{ ready: boolean }>>('/sim/streams'))[0]?.ready).toBe(true);
  });

  it('POST /sim/reset forgets everything', async () => {
    await startTwoUp(0.01);
    expect((await t.postJson('/sim/reset', {})).status).toBe(204);
    expect(await t.getJson('/sim/sessions?all=1')).toEqual([]);
    expect(await t.getJson('/sim/streams')).toEqual([]);
    expect(await t.getJson('/sim/requests')).toEqual([]);
  });
});
