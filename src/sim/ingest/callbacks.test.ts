import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCallbackJson, type StreamCallback, streamCallbackSchema } from '../../tencent/callback.js';
import { checkSign } from '../../tencent/md5-sign.js';
import { CALLBACK_RETRIES } from '../core/platform-rules.js';
import {
  type CallbackRecorder,
  type RecordedCallback,
  startCallbackRecorder,
} from '../testing/callback-recorder.js';
import { sleep, startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';
import type { CallbackRecord } from './callback-sender.js';

/**
 * The simulator's callbacks, read back through the service's own receiver-side verifier
 * (src/tencent: parseCallbackJson → streamCallbackSchema → checkSign), so signer and verifier are
 * checked against each other.
 */
function verify(recorded: RecordedCallback | undefined, key: string = TEST_KEYS.callbackKey): StreamCallback {
  if (!recorded) throw new Error('no callback recorded');
  const callback = streamCallbackSchema.parse(parseCallbackJson(recorded.text));
  expect(checkSign([key], callback.t, callback.sign, Date.now())).toBe('ok');
  return callback;
}

const streamIds = (received: RecordedCallback[]) =>
  received.map((r) => (JSON.parse(r.text) as { stream_id: string }).stream_id);

/** The simulator's delivery records once it is done with every one (none in flight or waiting). */
async function finishedRecords(sim: TestSim): Promise<CallbackRecord[]> {
  return vi.waitFor(async () => {
    const records = await sim.getJson<CallbackRecord[]>('/sim/callbacks');
    expect(records.filter((r) => r.pending)).toEqual([]);
    return records;
  });
}

let recorder: CallbackRecorder;
let t: TestSim;

beforeEach(async () => {
  recorder = await startCallbackRecorder();
});
afterEach(async () => {
  await t?.close();
  await recorder.close();
});

describe('push and disconnect callbacks', () => {
  beforeEach(async () => {
    t = await startTestSim({ callbackUrl: recorder.url });
  });

  it('a push sends a signed callback with every documented field', async () => {
    const pushed = await t.push({
      streamId: 'host_a',
      params: 'txSecret=abc&txTime=5C271099&mix_room=r1&mix_role=main',
      width: 720,
      height: 1280,
      domain: 'push.example.com',
      appName: 'live',
    });
    const [recorded] = await recorder.waitFor(1);
    const callback = verify(recorded);
    const raw = JSON.parse(recorded?.text ?? '{}') as Record<string, unknown>;
    for (const field of [
      'event_type',
      't',
      'sign',
      'appid',
      'app',
      'appname',
      'stream_id',
      'channel_id',
      'event_time',
      'sequence',
      'node',
      'user_ip',
      'stream_param',
      'errcode',
      'errmsg',
      'set_id',
      'width',
      'height',
      'idc_id',
    ]) {
      expect(raw, field).toHaveProperty(field);
    }
    expect(callback).toMatchObject({
      event_type: 1,
      appid: TEST_KEYS.appId,
      app: 'push.example.com',
      appname: 'live',
      stream_id: 'host_a',
      channel_id: 'host_a',
      sequence: pushed.sequence,
      stream_param: 'txSecret=abc&txTime=5C271099&mix_room=r1&mix_role=main',
      errcode: 0,
      errmsg: 'ok',
      width: 720,
      height: 1280,
    });
    // The sequence travels as a decimal string too large for a JS number.
    expect(typeof raw.sequence).toBe('string');
    expect(BigInt(String(raw.sequence))).toBeGreaterThan(2n ** 53n);
    // t is an expiry 600 real seconds ahead, not scaled by the time scale.
    const nowS = Math.floor(Date.now() / 1000);
    expect(callback.t).toBeGreaterThanOrEqual(nowS + 598);
    expect(callback.t).toBeLessThanOrEqual(nowS + 601);
    expect(callback.t - (callback.event_time ?? 0)).toBe(600);
  });

  it('the callback fails verification under another key', async () => {
    await t.push({ streamId: 'host_a' });
    const [recorded] = await recorder.waitFor(1);
    const callback = streamCallbackSchema.parse(parseCallbackJson(recorded?.text ?? ''));
    expect(checkSign(['some-other-key'], callback.t, callback.sign, Date.now())).toBe('bad-sign');
  });

  it('each push gets a fresh sequence', async () => {
    const a = await t.push({ streamId: 'a1' });
    const b = await t.push({ streamId: 'b1' });
    expect(a.sequence).not.toBe(b.sequence);
  });

  it('a stop sends the disconnect with the same sequence, errcode 1 and push_duration in ms', async () => {
    const pushed = await t.push({ streamId: 'guest_b', params: 'mix_room=r1&mix_role=guest' });
    await recorder.waitFor(1);
    await sleep(30);
    expect(await t.del('/sim/streams/guest_b')).toBe(200);
    const [, recorded] = await recorder.waitFor(2);
    const disconnect = verify(recorded);
    expect(disconnect).toMatchObject({
      event_type: 0,
      stream_id: 'guest_b',
      sequence: pushed.sequence,
      errcode: 1,
      stream_param: 'mix_room=r1&mix_role=guest',
    });
    const raw = JSON.parse(recorded?.text ?? '{}') as Record<string, unknown>;
    expect(raw.push_duration).toMatch(/^\d+$/);
    expect(Number(raw.push_duration)).toBeGreaterThanOrEqual(25);
    expect(await t.getJson<unknown[]>('/sim/streams')).toEqual([]);
  });

  it('stopping a stream that is not live answers 404 and sends nothing', async () => {
    expect(await t.del('/sim/streams/nobody')).toBe(404);
    // A push after it is the one callback the simulator queued and the first to arrive.
    await t.push({ streamId: 'after_a' });
    expect(streamIds(await recorder.waitFor(1))).toEqual(['after_a']);
    expect((await finishedRecords(t)).map((r) => r.streamId)).toEqual(['after_a']);
    expect(streamIds(recorder.received)).toEqual(['after_a']);
  });

  it('a push with reportSize false reports 0x0, as when the video header came late', async () => {
    await t.push({ streamId: 'host_a', width: 720, height: 1280, reportSize: false });
    const callback = verify((await recorder.waitFor(1))[0]);
    expect([callback.width, callback.height]).toEqual([0, 0]);
  });

  it('a replacing push gets a new sequence, and the old push’s disconnect (errcode 21) arrives after it', async () => {
    const first = await t.push({ streamId: 'host_a' });
    await recorder.waitFor(1);
    const second = await t.push({ streamId: 'host_a' });
    expect(second.sequence).not.toBe(first.sequence);
    const [, pushCb, staleCb] = (await recorder.waitFor(3)).map((r) => verify(r));
    expect(pushCb).toMatchObject({ event_type: 1, sequence: second.sequence });
    expect(staleCb).toMatchObject({
      event_type: 0,
      sequence: first.sequence,
      errcode: 21,
      errmsg: 'a new push connection replaced the current push',
    });
    // The stream itself stays live under the new push.
    const streams = await t.getJson<Array<{ streamId: string; sequence: string }>>('/sim/streams');
    expect(streams).toEqual([expect.objectContaining({ streamId: 'host_a', sequence: second.sequence })]);
  });

  it('GET /sim/callbacks lists deliveries without their sign', async () => {
    await t.push({ streamId: 'host_a' });
    await recorder.waitFor(1);
    const records = await finishedRecords(t);
    expect(records).toEqual([
      expect.objectContaining({ kind: 'push', streamId: 'host_a', delivered: true, pending: false }),
    ]);
    expect(records[0]?.body).not.toHaveProperty('sign');
    expect(records[0]?.attempts).toEqual([expect.objectContaining({ status: 200 })]);
  });
});

describe('callback retries', () => {
  it('retries a non-200 answer a minute apart (scaled) with the identical body', async () => {
    // 0.005: a 100 ms answer timeout, so the answered attempt is not taken for a lost one (and
    // retried) on a busy machine.
    t = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.005 });
    recorder.respondWith(500, 503);
    await t.push({ streamId: 'host_a' });
    const attempts = await recorder.waitFor(3);
    expect(attempts.map((a) => a.status)).toEqual([500, 503, 200]);
    expect(new Set(attempts.map((a) => a.text)).size).toBe(1);
    verify(attempts[2]);
    // 60 s × 0.005 = 300 ms between attempts.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(295);
    expect((attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0)).toBeGreaterThanOrEqual(295);
    // Done with it after the 200: no retry is left to come.
    expect(await finishedRecords(t)).toEqual([expect.objectContaining({ delivered: true })]);
    expect(recorder.received).toHaveLength(3);
  });

  it('retries when no answer comes within 20 s (scaled)', async () => {
    // 0.005: a 100 ms answer timeout, so the second, answered attempt is not cut off on a busy machine
    t = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.005 });
    recorder.respondWith('hang');
    await t.push({ streamId: 'host_a' });
    const attempts = await recorder.waitFor(2);
    expect(attempts.map((a) => a.status)).toEqual([null, 200]);
    // 20 s timeout + 60 s spacing, scaled.
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(375);
  });

  it(`gives up after ${CALLBACK_RETRIES} retries`, { timeout: 20_000 }, async () => {
    // 0.002: 120 ms between attempts, and a 40 ms answer timeout that a loaded machine still meets
    // (at 0.0001 a 2 ms timeout could abort an attempt before the recorder saw it).
    t = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.002 });
    recorder.respondWith(...Array.from({ length: 20 }, () => 500));
    await t.push({ streamId: 'host_a' });
    await recorder.waitFor(CALLBACK_RETRIES + 1, 15_000);
    const [record] = await finishedRecords(t);
    expect(recorder.received).toHaveLength(CALLBACK_RETRIES + 1);
    expect(record).toMatchObject({ delivered: false, pending: false });
    expect(record?.attempts).toHaveLength(CALLBACK_RETRIES + 1);
  });

  /**
   * A witness callback, refused once like host_a's was: its retry arriving proves a retry interval
   * has passed since host_a's was due, so host_a's retry would have come first.
   */
  async function witnessRetried(sim: TestSim): Promise<void> {
    await sim.push({ streamId: 'witness_w' });
    await vi.waitFor(() =>
      expect(streamIds(recorder.received).filter((id) => id === 'witness_w')).toHaveLength(2),
    );
  }

  it('close() stops pending retries', async () => {
    t = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.001 });
    recorder.respondWith(500, 500, 500, 500);
    await t.push({ streamId: 'host_a' });
    await recorder.waitFor(1);
    await t.close();
    const witness = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.001 });
    try {
      await witnessRetried(witness);
    } finally {
      await witness.close();
    }
    expect(streamIds(recorder.received).filter((id) => id === 'host_a')).toHaveLength(1);
  });

  it('POST /sim/reset abandons pending retries', async () => {
    t = await startTestSim({ callbackUrl: recorder.url, timeScale: 0.001 });
    recorder.respondWith(500, 500, 500, 500);
    await t.push({ streamId: 'host_a' });
    await recorder.waitFor(1);
    expect((await t.postJson('/sim/reset', {})).status).toBe(204);
    await witnessRetried(t);
    expect(streamIds(recorder.received).filter((id) => id === 'host_a')).toHaveLength(1);
  });

  it('delivers to a callback URL set after start, and sends nothing while none is set', async () => {
    t = await startTestSim({ timeScale: 0.01 });
    await t.push({ streamId: 'early_e' });
    // Done with it unsent: nothing is kept to send once a URL is set.
    expect(await finishedRecords(t)).toEqual([
      expect.objectContaining({ streamId: 'early_e', delivered: false, attempts: [] }),
    ]);
    t.sim.setCallbackUrl(recorder.url);
    await t.push({ streamId: 'late_l' });
    const [only] = await recorder.waitFor(1);
    expect(verify(only).stream_id).toBe('late_l');
    expect((await finishedRecords(t)).map((r) => [r.streamId, r.delivered])).toEqual([
      ['early_e', false],
      ['late_l', true],
    ]);
    expect(recorder.received).toHaveLength(1);
  });
});
