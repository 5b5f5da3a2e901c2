import { describe, expect, test } from 'vitest';
import { LIMITS } from '../tencent/limits.js';
import { layout } from './layout.js';
import type { MixPlan, RoomSnapshot } from './plan.js';
import { escapeXml, LABEL_MIN_PX, renderSvg, wrap } from './svg.js';

const snapshot: RoomSnapshot = {
  roomId: 'r',
  config: {},
  streams: [
    { streamId: 'host', role: 'main', media: 'av', joinedAt: 1, width: 540, height: 960 },
    { streamId: 'g1', role: 'guest', media: 'av', joinedAt: 2, width: 640, height: 360 },
    { streamId: 'voice', role: 'guest', media: 'audio', joinedAt: 3, width: 0, height: 0 },
  ],
};

function plan(): MixPlan {
  const p = layout(snapshot, LIMITS.legacy);
  if (!p) throw new Error('expected a plan');
  return p;
}

/** The markup of one stream's group, up to its closing tag. */
function group(svg: string, streamId: string): string {
  const start = svg.indexOf(`data-stream="${streamId}"`);
  if (start < 0) throw new Error(`no group for ${streamId}`);
  return svg.slice(start, svg.indexOf('</g>', start));
}

/** The `data-stream` groups in document order: the order they are painted. */
function paintOrder(svg: string): string[] {
  return [...svg.matchAll(/data-stream="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe('renderSvg', () => {
  test('draws the canvas size as the viewBox width, in canvas pixels', () => {
    expect(renderSvg(plan())).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]* viewBox="0 0 540 \d+"/,
    );
  });

  test('draws every tile with its stream id and layer, in z-order, audio-only inputs after as chips', () => {
    const svg = renderSvg(plan());
    expect(paintOrder(svg)).toEqual(['host', 'g1', 'voice']);
    expect(svg).toContain('>g1</text>');
    expect(svg).toContain('L1 · main');
    // A small tile keeps what fits at a readable size; the rest is in its tooltip.
    expect(group(svg, 'g1')).toContain('>guest</text>');
    expect(group(svg, 'g1')).toContain('slot 0');
    expect(svg).toContain('audio only:');
    expect(svg).toContain('voice · L3');
  });

  test('an audio-only input gets no tile rectangle on the canvas', () => {
    const svg = renderSvg(plan());
    const voice = group(svg, 'voice');
    // Its chip is a rounded rect placed below the 960 px canvas (plus header), not on it.
    const y = Number(/<rect x="\d+" y="(\d+)"/.exec(voice)?.[1]);
    expect(y).toBeGreaterThan(960);
  });

  test('colours tiles by role', () => {
    const svg = renderSvg(plan());
    expect(group(svg, 'host')).toContain('fill="#2563eb"');
    expect(group(svg, 'g1')).toContain('fill="#059669"');
  });

  test('escapes every text it prints', () => {
    expect(escapeXml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;');
    const svg = renderSvg(plan(), { title: '<script>alert(1)</script>', notes: ['a & b'] });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
    expect(svg).toContain('a &amp; b');
  });

  test('a canvas is painted in its own colour', () => {
    const grid = layout(
      { ...snapshot, config: { preset: 'grid', background: { color: '0x99CCFF' } } },
      LIMITS.legacy,
    );
    expect(group(grid ? renderSvg(grid) : '', 'mk_canvas')).toContain('fill="#99CCFF"');
  });

  test('no mix draws an empty stage that says so', () => {
    const svg = renderSvg(null, { notes: ['room r: no mix: 1 mixable live stream(s)'] });
    expect(svg).toContain('>no mix</text>');
    expect(svg).toContain('data-empty-stage');
    expect(svg).toContain('>nobody on air</text>');
    expect(svg).toContain('1 mixable live stream(s)');
  });

  test.each([320, 170])(
    'every label stays readable (>= 8 px) in a %i px thumbnail, the PiP tiles included',
    (px) => {
      const pip = layout(
        {
          roomId: 'thumb',
          config: { preset: 'pip' },
          streams: [
            { streamId: 'cohost_host', role: 'main', media: 'av', joinedAt: 1, width: 720, height: 1280 },
            { streamId: 'cohost_guest_1', role: 'guest', media: 'av', joinedAt: 2, width: 480, height: 640 },
            { streamId: 'cohost_guest_2', role: 'guest', media: 'av', joinedAt: 3, width: 480, height: 640 },
          ],
        },
        LIMITS.legacy,
      );
      for (const svg of [renderSvg(pip, { maxSize: px }), renderSvg(null, { maxSize: px })]) {
        const [w, h] = (/viewBox="0 0 (\d+) (\d+)"/.exec(svg) ?? []).slice(1).map(Number);
        const scale = px / Math.max(w ?? 0, h ?? 0);
        const sizes = [...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1]) * scale);
        expect(sizes.length).toBeGreaterThan(1);
        expect(Math.min(...sizes)).toBeGreaterThanOrEqual(LABEL_MIN_PX);
      }
    },
  );

  test('inputs a template places are listed, not drawn', () => {
    const t = layout(
      {
        ...snapshot,
        streams: snapshot.streams.slice(0, 2),
        config: { preset: 'template:20' },
      },
      LIMITS.legacy,
    );
    const svg = t ? renderSvg(t) : '';
    expect(svg).toContain('placed by template 20:');
    expect(svg).toContain('g1 · L2');
  });

  test('notes wrap at spaces to the picture width', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('averyveryverylongword x', 5)).toEqual(['averyveryverylongword', 'x']);
  });
});
