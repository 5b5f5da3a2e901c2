import { afterEach, describe, expect, it } from 'vitest';
import { cancelPara, mixBody, startPara } from '../testing/mix-client.js';
import { GUEST, HOST, TWO_UP } from '../testing/pip-room.js';
import { sleep, startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';
import type { Violation } from './usage-rules.js';

/** Each usage rule broken on purpose shows up in /sim/violations; a careful client leaves it empty. */

const start = (session = 'room_1') => mixBody(TEST_KEYS.appId, startPara(session, 'host_a', TWO_UP));
const cancel = (session = 'room_1') => mixBody(TEST_KEYS.appId, cancelPara(session, 'host_a'));

let t: TestSim;
afterEach(() => t.close());
const violations = () => t.getJson<Violation[]>('/sim/violations');
/** A simulator at `timeScale` with host_a and guest_b live and ready. */
async function readySim(timeScale: number): Promise<void> {
  t = await startTestSim({ timeScale });
  await t.pushReady(HOST, GUEST);
}
const accepted = async (body: unknown) => expect((await t.mix(body)).json?.code).toBe(0);

describe('usage rules', () => {
  it('start-before-ready: a start that uses a stream pushed less than 5 s (scaled) ago', async () => {
    // 500 ms of readiness: a loaded machine can take more than 50 ms between the push and the start.
    t = await startTestSim({ timeScale: 0.1 });
    await t.pushReady(HOST);
    await t.push(GUEST);
    expect((await t.mix(start())).json?.code).toBe(-505);
    expect(await violations()).toEqual([
      expect.objectContaining({ rule: 'start-before-ready', sessionId: 'room_1', streamId: 'guest_b' }),
    ]);
  });

  it('cancel-too-soon: a cancel less than 5 s (scaled) after the start', async () => {
    // 500 ms of cancel age: at 50 ms a loaded machine can take longer between the start and the cancel.
    await readySim(0.1);
    await accepted(start());
    await accepted(cancel());
    expect(await violations()).toEqual([
      expect.objectContaining({ rule: 'cancel-too-soon', sessionId: 'room_1' }),
    ]);
  });

  it('cancel-too-soon counts from the last update too: an update is an application for the mix', async () => {
    // 500 ms of cancel age, 100 ms between starts of a session.
    await readySim(0.1);
    const startOther = () => mixBody(TEST_KEYS.appId, startPara('room_2', 'guest_b', TWO_UP));
    await accepted(start());
    await accepted(startOther());
    await sleep(600);
    // room_1: updated, then cancelled at once — its first start is long past, its update is not.
    await accepted(start());
    await accepted(cancel());
    // room_2: updated, then cancelled once the cancel age has passed since the update.
    await accepted(startOther());
    await sleep(600);
    await accepted(mixBody(TEST_KEYS.appId, cancelPara('room_2', 'guest_b')));
    const found = await violations();
    expect(found).toEqual([expect.objectContaining({ rule: 'cancel-too-soon', sessionId: 'room_1' })]);
    expect(found[0]?.detail).toMatch(/after its last start or update/);
  });

  it('session-reuse-too-soon: a session id started again within 30 s (scaled) of its cancel', async () => {
    await readySim(0.01);
    await accepted(start());
    await sleep(60);
    await accepted(cancel());
    await sleep(20);
    await accepted(start());
    const found = await violations();
    expect(found).toEqual([expect.objectContaining({ rule: 'session-reuse-too-soon', sessionId: 'room_1' })]);
    expect(found[0]?.detail).toMatch(/started again \d+ ms after its cancel/);
  });

  it('session-start-rate: two starts of one session within 1 s (scaled)', async () => {
    await readySim(0.05);
    const answers = await Promise.all([t.mix(start()), t.mix(start())]);
    expect(answers.map((a) => a.json?.code)).toEqual([0, 0]);
    expect(await violations()).toEqual([
      expect.objectContaining({ rule: 'session-start-rate', sessionId: 'room_1' }),
    ]);
  });

  // At scale 5 the one-second window lasts 5 real seconds: room for a slow machine to send the burst.
  it('start-rate: more than 200 starts within a second across the account', async () => {
    t = await startTestSim({ timeScale: 5 });
    await Promise.all(Array.from({ length: 210 }, (_, i) => t.mix(start(`burst_${i}`))));
    const found = await violations();
    expect(found.map((v) => v.rule)).toEqual(['start-rate']);
    expect(found[0]?.detail).toMatch(/^201 starts within 1000 ms/);
  });

  it('cancel-rate: more than 100 cancels within a second across the account', async () => {
    t = await startTestSim({ timeScale: 5 });
    await Promise.all(Array.from({ length: 105 }, (_, i) => t.mix(cancel(`gone_${i}`))));
    expect((await violations()).map((v) => v.rule)).toEqual(['cancel-rate']);
  });

  it('a client that follows every rule leaves the list empty', async () => {
    await readySim(0.01);
    await accepted(start());
    await sleep(20);
    await accepted(start());
    await sleep(60);
    await accepted(cancel());
    await sleep(320);
    await accepted(start());
    await sleep(60);
    await accepted(cancel());
    expect(await violations()).toEqual([]);
  });

  it('DELETE /sim/violations clears the list', async () => {
    t = await startTestSim({ timeScale: 0.01 });
    await t.push(HOST);
    await t.mix(mixBody(TEST_KEYS.appId, startPara('room_1', 'host_a', [{ id: 'host_a', layer: 1 }])));
    expect(await violations()).toHaveLength(1);
    expect(await t.del('/sim/violations')).toBe(204);
    expect(await violations()).toEqual([]);
  });
});
