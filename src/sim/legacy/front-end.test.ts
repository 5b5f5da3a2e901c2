import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cancelBody, mixRequestUrl, parseMixResponse, startBody } from '../../tencent/mix-stream-v2.js';
import type { MixRequestRecord } from '../core/request-log.js';
import type { SessionView } from '../platform/session-view.js';
import { cancelPara, mixBody, startPara, type TileSpec } from '../testing/mix-client.js';
import { GUEST, HOST, HOST_TILE, PIP_GUEST, PIP_SPEC, TWO_UP } from '../testing/pip-room.js';
import { startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';

/** PIP_GUEST with some layout values replaced. */
const guestWith = (patch: Record<string, unknown>): TileSpec => ({
  ...PIP_GUEST,
  layout: { ...PIP_GUEST.layout, ...patch },
});

let t: TestSim;
const start = (
  tiles: TileSpec[],
  extra: Record<string, unknown> = {},
  session = 'room_1',
  output = 'host_a',
) => mixBody(TEST_KEYS.appId, startPara(session, output, tiles, extra));
/** Three pictures in their own sizes, as a template would place them. */
const THREE_UP: TileSpec[] = [HOST_TILE, { id: 'guest_b', layer: 2 }, { id: 'guest_c', layer: 3 }];
/** A start of room_1 on host_a: the host as the background, `tile` over it. */
const overHost = (tile: TileSpec) => start([HOST_TILE, tile]);

beforeEach(async () => {
  // 5 s of readiness is 20 ms here: short waits, still well above timer granularity.
  t = await startTestSim({ timeScale: 0.004 });
  await t.pushReady(HOST, GUEST);
});
afterEach(() => t.close());

interface CodeCase {
  name: string;
  code: number;
  body: () => unknown;
  /** Runs before the request (after host_a and guest_b are live and ready). */
  setup?: () => Promise<unknown>;
}

const cases: CodeCase[] = [
  { code: -1, name: 'a body that is not JSON', body: () => '{"timestamp": 1,' },
  {
    code: -1,
    name: 'an interfaceName other than Mix_StreamV2',
    body: () => ({
      ...start(TWO_UP),
      interface: { interfaceName: 'Mix_Stream', para: startPara('r', 'host_a', TWO_UP) },
    }),
  },
  {
    code: -1,
    name: 'an unknown para.interface',
    body: () =>
      mixBody(TEST_KEYS.appId, { ...startPara('room_1', 'host_a', TWO_UP), interface: 'mix_streamv2.stop' }),
  },
  { code: -1, name: 'an empty input_stream_list', body: () => start([]) },
  { code: -2, name: 'eventId 0', body: () => ({ ...start(TWO_UP), eventId: 0 }) },
  {
    code: -2,
    name: 'app_id 0',
    body: () => mixBody(TEST_KEYS.appId, { ...startPara('room_1', 'host_a', TWO_UP), app_id: 0 }),
  },
  {
    code: -2,
    name: 'a picture overflowing the background (pixels)',
    body: () => overHost(guestWith({ location_x: 600, location_y: 0 })),
  },
  {
    code: -2,
    name: 'a picture overflowing the background (fractions)',
    body: () =>
      overHost(guestWith({ image_width: 0.25, image_height: 0.25, location_x: 0.8, location_y: 0.1 })),
  },
  {
    code: -2,
    name: 'a picture in its own size that is larger than the background',
    setup: () => t.pushReady({ streamId: 'big_c', width: 1080, height: 1920 }),
    body: () => overHost({ id: 'big_c', layer: 2 }),
  },
  {
    code: -3,
    name: '17 inputs',
    body: () =>
      start(Array.from({ length: 17 }, (_, i) => ({ id: i === 0 ? 'host_a' : `s${i}`, layer: i + 1 }))),
  },
  {
    code: -4,
    name: 'image_width above 3000',
    body: () => overHost(guestWith({ image_width: 3001 })),
  },
  {
    code: -4,
    name: 'image_height 0',
    body: () => overHost(guestWith({ image_height: 0 })),
  },
  {
    code: -4,
    name: 'location_x between the largest fraction and one pixel',
    body: () => overHost(guestWith({ location_x: 0.995 })),
  },
  {
    code: -4,
    name: 'an input without layout_params',
    body: () =>
      mixBody(TEST_KEYS.appId, {
        ...startPara('room_1', 'host_a', TWO_UP),
        input_stream_list: [
          { input_stream_id: 'host_a', layout_params: { image_layer: 1 } },
          { input_stream_id: 'guest_b' },
        ],
      }),
  },
  {
    code: -4,
    name: 'input_type 1',
    body: () => overHost(guestWith({ input_type: 1 })),
  },
  {
    code: -4,
    name: 'a stream id with a hyphen',
    body: () => overHost({ ...PIP_GUEST, id: 'guest-b' }),
  },
  {
    code: -4,
    name: 'a stream id of 81 characters',
    body: () => overHost({ ...PIP_GUEST, id: 'g'.repeat(81) }),
  },
  { code: -4, name: 'a session id with a dot', body: () => start(TWO_UP, {}, 'room.1') },
  {
    code: -4,
    name: 'an input stream over 3000 pixels wide',
    setup: () => t.pushReady({ streamId: 'huge_u', width: 3840, height: 2160 }),
    body: () => overHost({ id: 'huge_u', layer: 2, layout: { image_width: 160, image_height: 90 } }),
  },
  {
    code: -11,
    name: 'two inputs on the same layer',
    body: () => overHost({ ...PIP_GUEST, layer: 1 }),
  },
  {
    code: -11,
    name: 'layer 17',
    body: () => overHost({ ...PIP_GUEST, layer: 17 }),
  },
  { code: -11, name: 'layer 0', body: () => start([{ id: 'host_a', layer: 0 }, PIP_GUEST]) },
  {
    code: -11,
    name: 'an input without image_layer (layer count ≠ input count)',
    body: () =>
      mixBody(TEST_KEYS.appId, {
        ...startPara('room_1', 'host_a', TWO_UP),
        input_stream_list: [
          { input_stream_id: 'host_a', layout_params: { image_layer: 1 } },
          { input_stream_id: 'guest_b', layout_params: { image_width: 160, image_height: 240 } },
        ],
      }),
  },
  {
    code: -11,
    name: 'no input on layer 1',
    body: () =>
      start([
        { id: 'host_a', layer: 2 },
        { ...PIP_GUEST, layer: 3 },
      ]),
  },
  {
    code: -20,
    name: 'template 10 with three pictures',
    setup: () => t.pushReady({ streamId: 'guest_c' }),
    body: () => start(THREE_UP, { mix_stream_template_id: 10 }),
  },
  {
    code: -20,
    name: 'template 390 without a canvas on layer 1',
    setup: () => t.pushReady({ streamId: 'guest_c' }),
    body: () => start(THREE_UP, { mix_stream_template_id: 390 }),
  },
  { code: -20, name: 'an unknown template id', body: () => start(TWO_UP, { mix_stream_template_id: 77 }) },
  {
    code: -20,
    name: 'a canvas colour that is not 0xRRGGBB',
    body: () =>
      start(
        [
          {
            id: 'canvas1',
            layer: 1,
            layout: { input_type: 3, image_width: 720, image_height: 1280, color: 'black' },
          },
          { id: 'host_a', layer: 2 },
        ],
        { output_stream_type: 1 },
        'room_1',
        'room_1_mix',
      ),
  },
  { code: -21, name: 'a single input', body: () => start([HOST_TILE]) },
  {
    code: -28,
    name: 'a canvas background without a size',
    body: () =>
      start(
        [{ id: 'canvas1', layer: 1, layout: { input_type: 3 } }, PIP_GUEST],
        { output_stream_type: 1 },
        'room_1',
        'room_1_mix',
      ),
  },
  {
    code: -28,
    name: 'a background stream that is not live',
    body: () => start([{ id: 'gone_z', layer: 1 }, PIP_GUEST], {}, 'room_1', 'guest_b'),
  },
  {
    code: -29,
    name: 'a crop reaching outside the source',
    body: () =>
      overHost({ ...PIP_GUEST, crop: { crop_width: 200, crop_height: 200, crop_x: 400, crop_y: 0 } }),
  },
  {
    code: -33,
    name: 'a picture input without picture_id',
    body: () =>
      overHost({ id: 'logo', layer: 2, layout: { input_type: 2, image_width: 100, image_height: 50 } }),
  },
  {
    code: -111,
    name: 'output type 0 with an output that is not an input',
    body: () => start(TWO_UP, {}, 'room_1', 'other_out'),
  },
  {
    code: -111,
    name: 'output type 1 with an output that is an input',
    body: () => start(TWO_UP, { output_stream_type: 1 }, 'room_1', 'host_a'),
  },
  {
    code: -111,
    name: 'output type 1 with an output that is an existing live stream',
    setup: () => t.push({ streamId: 'taken_out' }),
    body: () => start(TWO_UP, { output_stream_type: 1 }, 'room_1', 'taken_out'),
  },
  {
    code: -300,
    name: 'an output id already used by another live session',
    setup: async () => expect((await t.mix(start(TWO_UP, {}, 'room_1', 'host_a'))).json?.code).toBe(0),
    body: () => start(TWO_UP, {}, 'room_2', 'host_a'),
  },
  {
    code: -505,
    name: 'an input that is not live',
    body: () => overHost({ ...PIP_GUEST, id: 'nobody_x' }),
  },
  {
    code: -505,
    name: 'an input pushed less than the readiness delay ago',
    setup: async () => {
      // Real time here, so the new pushes are certainly not ready when the start arrives.
      await t.close();
      t = await startTestSim({ timeScale: 1 });
      await t.push(HOST);
      await t.push(GUEST);
    },
    body: () => start(TWO_UP),
  },
  {
    code: -505,
    name: 'a para.app_id of another account',
    body: () => mixBody(TEST_KEYS.appId, { ...startPara('room_1', 'host_a', TWO_UP), app_id: 1400099999 }),
  },
  {
    code: -507,
    name: 'a background stream whose resolution is unknown',
    setup: () => t.pushReady({ streamId: 'nohdr_h', width: 0, height: 0 }),
    body: () => start([{ id: 'nohdr_h', layer: 1 }, PIP_GUEST], {}, 'room_1', 'nohdr_h'),
  },
  {
    code: -507,
    name: 'an input of unknown resolution placed without a size',
    setup: () => t.pushReady({ streamId: 'nohdr_g', width: 0, height: 0 }),
    body: () => overHost({ id: 'nohdr_g', layer: 2 }),
  },
  {
    code: -508,
    name: 'the same session started with another output id',
    setup: async () => expect((await t.mix(start(TWO_UP, {}, 'room_1', 'host_a'))).json?.code).toBe(0),
    body: () => start(TWO_UP, {}, 'room_1', 'guest_b'),
  },
  {
    code: -30300,
    name: 'a cancel of an unknown session',
    body: () => mixBody(TEST_KEYS.appId, cancelPara('room_404', 'host_a')),
  },
  {
    code: -30300,
    name: 'a cancel of an already cancelled session',
    setup: async () => {
      expect((await t.mix(start(TWO_UP))).json?.code).toBe(0);
      expect((await t.mix(mixBody(TEST_KEYS.appId, cancelPara('room_1', 'host_a')))).json?.code).toBe(0);
    },
    body: () => mixBody(TEST_KEYS.appId, cancelPara('room_1', 'host_a')),
  },
  {
    code: -31003,
    name: 'a cancel with another output id',
    setup: async () => expect((await t.mix(start(TWO_UP))).json?.code).toBe(0),
    body: () => mixBody(TEST_KEYS.appId, cancelPara('room_1', 'guest_b')),
  },
  { code: -31004, name: 'bitrate 0', body: () => start(TWO_UP, { output_stream_bitrate: 0 }) },
  { code: -31004, name: 'bitrate 50001', body: () => start(TWO_UP, { output_stream_bitrate: 50001 }) },
  {
    code: -31004,
    name: 'a bitrate that is not a number',
    body: () => start(TWO_UP, { output_stream_bitrate: 'fast' }),
  },
];

describe('legacy CGI answer codes', () => {
  it.each(cases)('$code for $name', async ({ code, body, setup }) => {
    await setup?.();
    const answer = await t.mix(body());
    expect(answer.status).toBe(200);
    expect(answer.json, answer.text).toMatchObject({ code });
    expect(answer.json?.message).toEqual(expect.any(String));
  });

  it('-1 for a query interface other than Mix_StreamV2', async () => {
    const answer = await t.mix(start(TWO_UP), { interface: 'Live_Channel_GetStatus' });
    expect(answer.json?.code).toBe(-1);
  });

  it('a rejected start changes no session', async () => {
    await t.mix(overHost({ ...PIP_GUEST, layer: 17 }));
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
  });
});

describe('legacy CGI query signature', () => {
  it('answers -101 to a wrong sign', async () => {
    const answer = await t.mix(start(TWO_UP), { sign: '0'.repeat(32) });
    expect(answer.json?.code).toBe(-101);
    expect(answer.json?.message).toContain('sign');
  });

  it('answers -101 to another appid', async () => {
    const answer = await t.mix(start(TWO_UP), { appid: '1400099999' });
    expect(answer.json?.code).toBe(-101);
  });

  it('answers the plain text "time expired" to a correctly signed but expired t', async () => {
    const answer = await t.mix(start(TWO_UP), { t: Math.floor(Date.now() / 1000) - 5 });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('time expired');
    expect(answer.json).toBeUndefined();
  });

  it("accepts the doc's test vector sign (then finds its 2017 t expired)", async () => {
    const vector = await startTestSim({ mixKey: '40328529ca4381a80c6ecf2e6aa57438' });
    try {
      const good = await vector.mix(start(TWO_UP), {
        t: 1490858347,
        sign: '7f29ed83c61b77de1b0d66936fd4fd44',
      });
      expect(good.text).toBe('time expired');
      const bad = await vector.mix(start(TWO_UP), {
        t: 1490858347,
        sign: '7f29ed83c61b77de1b0d66936fd4fd45',
      });
      expect(bad.json?.code).toBe(-101);
    } finally {
      await vector.close();
    }
  });
});

describe('legacy CGI sessions', () => {
  it('starts a session and answers like the platform', async () => {
    const body = start(TWO_UP);
    const answer = await t.mix(body);
    expect(answer.json).toEqual({
      code: 0,
      message: 'Success!',
      timestamp: expect.any(Number),
      event_id: String(body.eventId),
    });
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session).toMatchObject({
      sessionId: 'room_1',
      outputStreamId: 'host_a',
      state: 'live',
      canvas: { width: 720, height: 1280 },
      starts: 1,
      inputs: [
        { streamId: 'host_a', layer: 1, rect: { x: 0, y: 0, width: 720, height: 1280 }, frozen: false },
        {
          streamId: 'guest_b',
          layer: 2,
          rect: { x: 380, y: 630, width: 160, height: 240 },
          source: { width: 480, height: 640 },
        },
      ],
    });
  });

  it('resolves fractions against the background and defaults to the input size at 0,0', async () => {
    await t.pushReady({ streamId: 'small_c', width: 120, height: 160 });
    const answer = await t.mix(
      start([
        HOST_TILE,
        {
          id: 'guest_b',
          layer: 2,
          layout: { image_width: 0.25, image_height: 0.25, location_x: 0.5, location_y: 0.5 },
        },
        { id: 'small_c', layer: 3 },
      ]),
    );
    expect(answer.json?.code).toBe(0);
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs[1]?.rect).toEqual({ x: 360, y: 640, width: 180, height: 320 });
    expect(session?.inputs[2]?.rect).toEqual({ x: 0, y: 0, width: 120, height: 160 });
  });

  it('a start with the same session and output updates the session', async () => {
    expect((await t.mix(start(TWO_UP))).json?.code).toBe(0);
    const moved = guestWith({ location_y: 390 });
    expect((await t.mix(overHost(moved))).json?.code).toBe(0);
    const sessions = await t.getJson<SessionView[]>('/sim/sessions');
    expect(sessions).toHaveLength(1);
    expect(sessions[0]?.starts).toBe(2);
    expect(sessions[0]?.inputs[1]?.rect?.y).toBe(390);
  });

  it('lays out a template from its defaults and flags the geometry as approximate', async () => {
    await t.pushReady({ streamId: 'host_c', width: 720, height: 1280 });
    const answer = await t.mix(
      start(
        [
          {
            id: 'canvas1',
            layer: 1,
            layout: { input_type: 3, image_width: 400, image_height: 640, color: '0x000000' },
          },
          { id: 'host_a', layer: 2 },
          { id: 'host_c', layer: 3 },
        ],
        { mix_stream_template_id: 390, output_stream_type: 1 },
        'pk_1',
        'pk_1_mix',
      ),
    );
    expect(answer.json?.code).toBe(0);
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session).toMatchObject({ approximateGeometry: true, canvas: { width: 400, height: 640 } });
    expect(session?.inputs.map((i) => i.rect)).toEqual([
      { x: 0, y: 0, width: 400, height: 640 },
      { x: 0, y: 160, width: 200, height: 320 },
      { x: 200, y: 160, width: 200, height: 320 },
    ]);
  });

  it('mixes audio-only inputs over a sized canvas (voice room)', async () => {
    await t.pushReady(
      { streamId: 'voice_1', width: 0, height: 0 },
      { streamId: 'voice_2', width: 0, height: 0 },
    );
    const answer = await t.mix(
      start(
        [
          { id: 'canvas1', layer: 1, layout: { input_type: 3, image_width: 320, image_height: 640 } },
          { id: 'voice_1', layer: 2, layout: { input_type: 4 } },
          { id: 'voice_2', layer: 3, layout: { input_type: 4 } },
        ],
        { output_stream_type: 1 },
        'voice_room',
        'voice_room_mix',
      ),
    );
    expect(answer.json?.code).toBe(0);
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs.map((i) => [i.streamId, i.rect])).toEqual([
      ['canvas1', { x: 0, y: 0, width: 320, height: 640 }],
      ['voice_1', undefined],
      ['voice_2', undefined],
    ]);
  });

  it('accepts numeric strings where callers send them (app_id, bitrate)', async () => {
    const answer = await t.mix(
      mixBody(TEST_KEYS.appId, {
        ...startPara('room_1', 'host_a', TWO_UP, { output_stream_bitrate: '1500' }),
        app_id: String(TEST_KEYS.appId),
      }),
    );
    expect(answer.json?.code).toBe(0);
    expect((await t.getJson<SessionView[]>('/sim/sessions'))[0]?.bitrate).toBe(1500);
  });

  it('a cancel ends the session', async () => {
    expect((await t.mix(start(TWO_UP))).json?.code).toBe(0);
    expect((await t.mix(mixBody(TEST_KEYS.appId, cancelPara('room_1', 'host_a')))).json?.code).toBe(0);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toEqual([]);
    const all = await t.getJson<SessionView[]>('/sim/sessions?all=1');
    expect(all[0]).toMatchObject({ sessionId: 'room_1', state: 'cancelled', cancelReason: 'request' });
  });

  it('accepts the bodies and URL built by the service’s own wire format', async () => {
    const now = Date.now();
    const url = mixRequestUrl(t.sim.mixUrl, TEST_KEYS.appId, TEST_KEYS.mixKey, now);
    const post = async (body: unknown) => {
      const response = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
      return parseMixResponse(await response.text());
    };
    const started = await post(
      startBody(PIP_SPEC, { appId: TEST_KEYS.appId, sessionId: 'svc_room', nowMs: now }),
    );
    expect(started).toMatchObject({ ok: true, response: { code: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 25));
    const cancelled = await post(
      cancelBody('host_a', { appId: TEST_KEYS.appId, sessionId: 'svc_room', nowMs: now + 60 }),
    );
    expect(cancelled).toMatchObject({ ok: true, response: { code: 0 } });
  });
});

describe('GET /sim/requests', () => {
  it('lists every request in order with its body and answer; DELETE clears it but keeps sessions', async () => {
    const first = start(TWO_UP);
    await t.mix(first);
    await t.mix(start(TWO_UP, {}, 'room_2', 'nobody'));
    await t.mix(mixBody(TEST_KEYS.appId, cancelPara('room_404', 'x')));
    const requests = await t.getJson<MixRequestRecord[]>('/sim/requests');
    expect(requests.map((r) => [r.op, r.sessionId, r.code])).toEqual([
      ['start', 'room_1', 0],
      ['start', 'room_2', -111],
      ['cancel', 'room_404', -30300],
    ]);
    expect(requests[0]).toMatchObject({ outputStreamId: 'host_a', body: first, message: 'Success!' });
    expect(requests[0]?.at).toBeGreaterThan(0);

    expect(await t.del('/sim/requests')).toBe(204);
    expect(await t.getJson<MixRequestRecord[]>('/sim/requests')).toEqual([]);
    expect(await t.getJson<SessionView[]>('/sim/sessions')).toHaveLength(1);
  });
});
