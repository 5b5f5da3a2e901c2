import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionView } from '../platform/session-view.js';
import { mixBody, startPara, type TileSpec } from '../testing/mix-client.js';
import { startTestSim, TEST_KEYS, type TestSim } from '../testing/sim-harness.js';
import { renderFrameSvg } from './frame-svg.js';

interface Tile {
  streamId: string;
  layer: number;
  frozen: boolean;
  rect: { x: number; y: number; width: number; height: number };
}

/** Reads the tiles out of a frame SVG: each `<g class="tile">` and the first `<rect class="picture">` in it. */
function tilesOf(svg: string): Tile[] {
  const pattern =
    /<g class="tile" data-stream-id="([^"]+)" data-layer="(\d+)" data-input-type="\d+" data-frozen="(true|false)"><rect class="picture" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g;
  return [...svg.matchAll(pattern)].map((m) => ({
    streamId: m[1] ?? '',
    layer: Number(m[2]),
    frozen: m[3] === 'true',
    rect: { x: Number(m[4]), y: Number(m[5]), width: Number(m[6]), height: Number(m[7]) },
  }));
}

const PIP: TileSpec[] = [
  { id: 'host_a', layer: 1 },
  {
    id: 'guest_b',
    layer: 2,
    layout: { image_width: 160, image_height: 240, location_x: 380, location_y: 630 },
  },
  {
    id: 'guest_c',
    layer: 3,
    layout: { image_width: 160, image_height: 240, location_x: 380, location_y: 390 },
  },
];

let t: TestSim;
const frame = async (sessionId = 'pip_room') => {
  const response = await fetch(`${t.sim.url}/sim/sessions/${sessionId}/frame.svg`);
  expect(response.headers.get('content-type')).toContain('image/svg+xml');
  return response.text();
};

describe('GET /sim/sessions/:id/frame.svg', () => {
  beforeEach(async () => {
    t = await startTestSim();
    await t.pushReady(
      { streamId: 'host_a', width: 720, height: 1280 },
      { streamId: 'guest_b', width: 480, height: 640 },
      { streamId: 'guest_c', width: 480, height: 640 },
    );
    const answer = await t.mix(mixBody(TEST_KEYS.appId, startPara('pip_room', 'host_a', PIP)));
    expect(answer.json?.code).toBe(0);
  });
  afterEach(() => t.close());

  it('draws a 3-input PiP at its resolved geometry, in layer order', async () => {
    const svg = await frame();
    expect(svg).toMatch(/^<svg [^>]*width="720" height="1280" viewBox="0 0 720 1280"/);
    expect(tilesOf(svg)).toEqual([
      { streamId: 'host_a', layer: 1, frozen: false, rect: { x: 0, y: 0, width: 720, height: 1280 } },
      { streamId: 'guest_b', layer: 2, frozen: false, rect: { x: 380, y: 630, width: 160, height: 240 } },
      { streamId: 'guest_c', layer: 3, frozen: false, rect: { x: 380, y: 390, width: 160, height: 240 } },
    ]);
    expect(svg).not.toContain('frozen-picture');
  });

  it('GET /sim/sessions is a page of frames for a browser, JSON for anyone else', async () => {
    const page = await fetch(`${t.sim.url}/sim/sessions`, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('src="/sim/sessions/pip_room/frame.svg"');
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.sessionId).toBe('pip_room');
  });

  it('a guest whose stream drops is drawn frozen; its re-push unfreezes it', async () => {
    expect(await t.del('/sim/streams/guest_c')).toBe(200);
    let svg = await frame();
    expect(tilesOf(svg).map((tile) => [tile.streamId, tile.frozen])).toEqual([
      ['host_a', false],
      ['guest_b', false],
      ['guest_c', true],
    ]);
    expect(svg).toContain('frozen (last frame)');
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.inputs.find((i) => i.streamId === 'guest_c')).toMatchObject({
      live: false,
      frozen: true,
      goneSince: expect.any(Number),
    });

    await t.push({ streamId: 'guest_c', width: 480, height: 640 });
    svg = await frame();
    expect(tilesOf(svg).every((tile) => !tile.frozen)).toBe(true);
  });

  it('a background that drops freezes the whole picture', async () => {
    expect(await t.del('/sim/streams/host_a')).toBe(200);
    const svg = await frame();
    expect(svg).toContain('data-frozen="true">');
    expect(svg).toContain('class="frozen-picture"');
    const [session] = await t.getJson<SessionView[]>('/sim/sessions');
    expect(session?.frozen).toBe(true);
  });

  it('answers 404 for an unknown session', async () => {
    const response = await fetch(`${t.sim.url}/sim/sessions/nope/frame.svg`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'not_found' });
  });
});

describe('renderFrameSvg', () => {
  const base: SessionView = {
    sessionId: 'r<1>',
    state: 'live',
    outputStreamId: 'out',
    outputType: 1,
    templateId: 0,
    canvas: { width: 400, height: 640 },
    approximateGeometry: false,
    frozen: false,
    inputs: [
      {
        streamId: 'canvas1',
        layer: 1,
        inputType: 3,
        color: '0x99CCFF',
        rect: { x: 0, y: 0, width: 400, height: 640 },
        live: true,
        frozen: false,
      },
      { streamId: 'voice_1', layer: 2, inputType: 4, live: true, frozen: false },
      { streamId: 'voice_2', layer: 3, inputType: 4, live: false, frozen: false },
    ],
    startedAt: 0,
    updatedAt: 0,
    starts: 1,
  };

  it('paints a canvas in its colour and lists audio-only inputs instead of drawing them', () => {
    const svg = renderFrameSvg(base);
    expect(svg).toContain('fill="#99ccff"');
    expect(tilesOf(svg).map((tile) => tile.streamId)).toEqual(['canvas1']);
    expect(svg).toContain('class="audio-input" data-stream-id="voice_1" data-layer="2" data-live="true"');
    expect(svg).toContain('voice_2 (gone)');
  });

  it('uses the pages’ colours: the background layer as the main (blue), other streams as guests (green)', () => {
    const svg = renderFrameSvg({
      ...base,
      inputs: [
        {
          streamId: 'host',
          layer: 1,
          inputType: 0,
          rect: { x: 0, y: 0, width: 400, height: 640 },
          live: true,
          frozen: false,
        },
        {
          streamId: 'g1',
          layer: 2,
          inputType: 0,
          rect: { x: 250, y: 400, width: 120, height: 180 },
          live: true,
          frozen: false,
        },
      ],
    });
    expect(svg).toContain('class="output" x="0" y="0" width="400" height="640" fill="#1f2937"');
    expect(svg).toMatch(/data-stream-id="host"[\s\S]*?fill="#2563eb"/);
    expect(svg).toMatch(/data-stream-id="g1"[\s\S]*?fill="#059669"/);
  });

  it('escapes text taken from requests', () => {
    const svg = renderFrameSvg(base);
    expect(svg).toContain('data-session-id="r&#60;1&#62;"');
    expect(svg).not.toContain('r<1>');
  });

  it('marks a cancelled session', () => {
    expect(renderFrameSvg({ ...base, state: 'cancelled' })).toContain('CANCELLED');
  });
});
