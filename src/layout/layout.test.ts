import { describe, expect, test } from 'vitest';
import { ids, planOf, tile } from '../../test/support/layout-plans.js';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import { layout } from './layout.js';
import type { MixPlan, RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';
import { validatePlan } from './validate.js';

type StreamSpec = Partial<SnapshotStream> & { streamId: string };

/** A room whose streams joined in the order given, one second apart. */
function room(streams: StreamSpec[], config: RoomConfig = {}, roomId = 'r1'): RoomSnapshot {
  return {
    roomId,
    config,
    streams: streams.map((s, i) => ({
      role: 'guest',
      media: 'av',
      joinedAt: (i + 1) * 1000,
      width: 0,
      height: 0,
      ...s,
    })),
  };
}

describe('when no mix should run', () => {
  test('an empty room has no mix', () => {
    expect(layout(room([]), LIMITS.legacy)).toBeNull();
  });

  test('one live stream has no mix', () => {
    expect(layout(room([{ streamId: 'host', role: 'main' }]), LIMITS.legacy)).toBeNull();
  });

  test('a pip room whose main is not live has no mix, and says why', () => {
    const snapshot = room([{ streamId: 'g1' }, { streamId: 'g2' }], { preset: 'pip' });
    expect(layout(snapshot, LIMITS.legacy)).toBeNull();
    expect(explain(snapshot, LIMITS.legacy)[0]).toMatch(/no mix: preset pip needs its main live/);
  });

  test('a pip room whose main is excluded counts as main not live', () => {
    const snapshot = room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }, { streamId: 'g2' }], {
      preset: 'pip',
      exclude: ['host'],
    });
    expect(layout(snapshot, LIMITS.legacy)).toBeNull();
  });

  test('two streams of which one is excluded have no mix', () => {
    expect(
      layout(room([{ streamId: 'a' }, { streamId: 'b' }], { exclude: ['b'] }), LIMITS.legacy),
    ).toBeNull();
  });
});

describe('default preset and the main', () => {
  test('a live main makes the default pip, the main the full-frame background on layer 1', () => {
    const plan = planOf(
      room([{ streamId: 'host', role: 'main', width: 540, height: 960 }, { streamId: 'g1' }]),
    );
    expect(plan.preset).toBe('pip');
    expect(plan.canvas).toEqual({ width: 540, height: 960 });
    expect(plan.inputs[0]).toEqual({ streamId: 'host', layer: 1, inputType: 0, role: 'main' });
    expect(tile(plan, 'g1')).toMatchObject({
      layer: 2,
      slot: 0,
      rect: { x: 380, y: 630, width: 160, height: 240 },
    });
  });

  test('without a main the default is a grid on a 1280x720 canvas', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }]));
    expect(plan.preset).toBe('grid');
    expect(plan.inputs[0]).toMatchObject({
      layer: 1,
      inputType: 3,
      role: 'canvas',
      rect: { x: 0, y: 0, width: 1280, height: 720 },
    });
  });

  test('pip on an unknown main resolution plans on 540x960', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }]));
    expect(plan.canvas).toEqual({ width: 540, height: 960 });
    expect(tile(plan, 'g1')?.rect).toEqual({ x: 380, y: 630, width: 160, height: 240 });
  });

  test('pip on a 360x640 main gives the MLVB row 120x180 at x 240, y 400/220/40', () => {
    const plan = planOf(
      room([
        { streamId: 'host', role: 'main', width: 360, height: 640 },
        { streamId: 'a' },
        { streamId: 'b' },
        { streamId: 'c' },
      ]),
    );
    expect(['a', 'b', 'c'].map((id) => tile(plan, id)?.rect)).toEqual([
      { x: 240, y: 400, width: 120, height: 180 },
      { x: 240, y: 220, width: 120, height: 180 },
      { x: 240, y: 40, width: 120, height: 180 },
    ]);
  });

  test('config.mainStreamId beats an earlier stream with role main', () => {
    const plan = planOf(
      room([{ streamId: 'first', role: 'main' }, { streamId: 'chosen' }, { streamId: 'g' }], {
        mainStreamId: 'chosen',
      }),
    );
    expect(plan.inputs[0]?.streamId).toBe('chosen');
    expect(tile(plan, 'first')?.role).toBe('guest');
    expect(plan.outputStreamId).toBe('chosen');
  });

  test('of two mains the earliest joiner is main; the other is mixed as a guest', () => {
    const plan = planOf(
      room([{ streamId: 'g' }, { streamId: 'm1', role: 'main' }, { streamId: 'm2', role: 'main' }]),
    );
    expect(plan.inputs[0]?.streamId).toBe('m1');
    expect(tile(plan, 'm2')).toMatchObject({ role: 'guest', slot: expect.any(Number) });
  });

  test('an audio-only main cannot be a pip background: the room falls back to grid', () => {
    const snapshot = room([
      { streamId: 'host', role: 'main', media: 'audio' },
      { streamId: 'a' },
      { streamId: 'b' },
    ]);
    const plan = planOf(snapshot);
    expect(plan.preset).toBe('grid');
    expect(tile(plan, 'host')).toMatchObject({ inputType: 4, role: 'main' });
    expect(explain(snapshot, LIMITS.legacy).join('\n')).toMatch(/main host is live but pushes audio only/);
  });

  test('a main too small to carry tiles falls back to grid', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main', width: 8, height: 8 }, { streamId: 'a' }]));
    expect(plan.preset).toBe('grid');
  });

  test('an unknown preset name falls back to the default, and explain says so', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }], { preset: 'mosaic' as string as 'grid' });
    expect(planOf(snapshot).preset).toBe('grid');
    expect(explain(snapshot, LIMITS.legacy).join('\n')).toMatch(/"mosaic" is not a preset/);
  });
});

describe('what is mixable', () => {
  test('config.include keeps only the streams it names', () => {
    const plan = planOf(
      room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'c' }], { include: ['a', 'c'] }),
    );
    expect(ids(plan)).not.toContain('b');
    expect(ids(plan)).toEqual(expect.arrayContaining(['a', 'c']));
  });

  test('config.exclude leaves a stream out', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'c' }], { exclude: ['b'] }));
    expect(ids(plan)).not.toContain('b');
  });

  test('audioOnly "exclude" leaves audio-only streams out', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'voice', media: 'audio' }], {
      audioOnly: 'exclude',
    });
    expect(ids(planOf(snapshot))).not.toContain('voice');
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'voice left out: audio-only, and the room\'s audioOnly policy is "exclude"',
    );
  });

  test('a stream id the platform cannot take is left out', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'bad-id' }]));
    expect(ids(plan)).not.toContain('bad-id');
  });

  test('a source beyond 3000 px is left out', () => {
    const plan = planOf(
      room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'huge', width: 3840, height: 2160 }]),
    );
    expect(ids(plan)).not.toContain('huge');
  });

  test('twenty streams on a grid: 15 earliest joiners plus the canvas, the latest five dropped', () => {
    const streams = Array.from({ length: 20 }, (_, i) => ({ streamId: `s${i}` }));
    const snapshot = room(streams);
    const plan = planOf(snapshot);
    expect(plan.inputs).toHaveLength(16);
    expect(ids(plan)).not.toEqual(expect.arrayContaining(['s15']));
    for (const dropped of ['s15', 's16', 's17', 's18', 's19']) {
      expect(ids(plan)).not.toContain(dropped);
      expect(explain(snapshot, LIMITS.legacy).join('\n')).toContain(`${dropped} dropped: the mix is full`);
    }
  });

  test('a full room keeps its main even when the main joined last', () => {
    const streams: StreamSpec[] = Array.from({ length: 18 }, (_, i) => ({ streamId: `g${i}` }));
    streams.push({ streamId: 'host', role: 'main' });
    const plan = planOf(room(streams, { preset: 'grid' }));
    expect(ids(plan)).toContain('host');
    expect(plan.inputs).toHaveLength(16);
  });

  test('pip holds the main and 15 guests, 16 inputs with no canvas', () => {
    const streams: StreamSpec[] = [{ streamId: 'host', role: 'main' }];
    for (let i = 0; i < 17; i++) streams.push({ streamId: `g${i}` });
    const plan = planOf(room(streams));
    expect(plan.inputs).toHaveLength(16);
    expect(plan.inputs.filter((t) => t.role === 'canvas')).toHaveLength(0);
  });
});

describe('media', () => {
  test('an audio-only guest is input_type 4 with no rect and no slot, on a layer of its own', () => {
    const plan = planOf(
      room([{ streamId: 'host', role: 'main' }, { streamId: 'voice', media: 'audio' }, { streamId: 'cam' }]),
    );
    expect(tile(plan, 'voice')).toEqual({ streamId: 'voice', layer: 3, inputType: 4, role: 'guest' });
    // The audio-only guest does not take a tile: the camera guest is first up the column.
    expect(tile(plan, 'cam')?.rect).toEqual({ x: 380, y: 630, width: 160, height: 240 });
  });

  test('a video-only stream is input_type 5', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'silent', media: 'video' }]));
    expect(tile(plan, 'silent')?.inputType).toBe(5);
  });

  test('a landscape guest in a portrait pip tile (the room says so) is centre-cropped', () => {
    const plan = planOf(
      room(
        [
          { streamId: 'host', role: 'main', width: 540, height: 960 },
          { streamId: 'g', width: 640, height: 360 },
        ],
        { tileOrientation: 'portrait' },
      ),
    );
    expect(tile(plan, 'g')).toMatchObject({
      crop: { x: 200, y: 0, width: 240, height: 360 },
      source: { width: 640, height: 360 },
    });
  });

  test('a landscape guest gets a landscape pip tile by default, keeping 84 % of its picture, not 37 %', () => {
    const snapshot = room([
      { streamId: 'host', role: 'main', width: 540, height: 960 },
      { streamId: 'g', width: 640, height: 360 },
    ]);
    expect(tile(planOf(snapshot), 'g')).toMatchObject({
      rect: { x: 300, y: 710, width: 240, height: 160 },
      crop: { x: 50, y: 0, width: 540, height: 360 },
    });
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'g cropped to fill its 240×160 tile without black bars: keeps 540×360 at (50, 0) of its 640×360 picture (84 % of it)',
    );
  });

  test('a guest of unknown resolution is not cropped', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'g' }]));
    const g = tile(plan, 'g');
    expect(g?.streamId).toBe('g');
    expect(g?.crop).toBeUndefined();
    expect(g?.source).toBeUndefined();
  });
});

describe('sticky slots', () => {
  const guests = (n: number): StreamSpec[] => Array.from({ length: n }, (_, i) => ({ streamId: `g${i}` }));
  /** The snapshot as the next reconcile sees it: every stream remembers its slot. */
  function remember(snapshot: RoomSnapshot, plan: MixPlan): RoomSnapshot {
    return {
      ...snapshot,
      streams: snapshot.streams.map((s) => {
        const slot = plan.inputs.find((t) => t.streamId === s.streamId)?.slot;
        const { slot: _old, ...rest } = s;
        return slot === undefined ? rest : { ...rest, slot };
      }),
    };
  }

  test('a grid guest keeps its tile when an earlier guest leaves', () => {
    const before = room(guests(4));
    const p1 = planOf(before);
    const after = remember(before, p1);
    after.streams = after.streams.filter((s) => s.streamId !== 'g1');
    const p2 = planOf(after);
    const rects = (plan: MixPlan) => ['g0', 'g2', 'g3'].map((id) => tile(plan, id)?.rect);
    expect(rects(p1)).toEqual([expect.any(Object), expect.any(Object), expect.any(Object)]);
    expect(rects(p2)).toEqual(rects(p1));
    expect(tile(p2, 'g3')?.slot).toBe(3);
  });

  test('with compact the grid closes up when a guest leaves', () => {
    const before = room(guests(4), { compact: true });
    const after = remember(before, planOf(before));
    after.streams = after.streams.filter((s) => s.streamId !== 'g1');
    const p2 = planOf(after);
    expect(['g0', 'g2', 'g3'].map((id) => tile(p2, id)?.slot)).toEqual([0, 1, 2]);
    expect(tile(p2, 'g2')?.rect).toEqual({ x: 640, y: 0, width: 640, height: 360 });
  });

  test('a pip guest keeps its place up the column when the guest below leaves', () => {
    const before = room([{ streamId: 'host', role: 'main', width: 540, height: 960 }, ...guests(3)]);
    const after = remember(before, planOf(before));
    after.streams = after.streams.filter((s) => s.streamId !== 'g0');
    const p2 = planOf(after);
    expect(tile(p2, 'g1')?.rect).toEqual({ x: 380, y: 390, width: 160, height: 240 });
    expect(tile(p2, 'g2')?.rect).toEqual({ x: 380, y: 150, width: 160, height: 240 });
  });

  test('a newcomer takes the lowest free slot, the hole a leaver left', () => {
    const snapshot = room([{ streamId: 'b', slot: 1 }, { streamId: 'c', slot: 2 }, { streamId: 'new' }]);
    expect(tile(planOf(snapshot), 'new')?.slot).toBe(0);
  });

  test('the grid keeps room for the highest kept slot: slots 0 and 5 make a 3x2 grid', () => {
    const plan = planOf(
      room([
        { streamId: 'a', slot: 0 },
        { streamId: 'b', slot: 5 },
      ]),
    );
    expect(tile(plan, 'b')?.rect).toEqual({ x: 853, y: 360, width: 426, height: 360 });
  });

  test('layers follow slots: background 1, then the tiles by slot, then audio-only', () => {
    const plan = planOf(
      room([
        { streamId: 'a', slot: 2 },
        { streamId: 'v', media: 'audio' },
        { streamId: 'b', slot: 0 },
        { streamId: 'c', slot: 1 },
      ]),
    );
    expect(plan.inputs.map((t) => [t.streamId, t.layer])).toEqual([
      ['mk_canvas', 1],
      ['b', 2],
      ['c', 3],
      ['a', 4],
      ['v', 5],
    ]);
  });
});

describe('canvas presets', () => {
  test('pk puts two hosts side by side at 360x640 on a 720x640 canvas', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'rival' }], { preset: 'pk' }));
    expect(plan.canvas).toEqual({ width: 720, height: 640 });
    expect(plan.inputs.map((t) => [t.streamId, t.inputType, t.rect])).toEqual([
      ['mk_canvas', 3, { x: 0, y: 0, width: 720, height: 640 }],
      ['host', 0, { x: 0, y: 0, width: 360, height: 640 }],
      ['rival', 0, { x: 360, y: 0, width: 360, height: 640 }],
    ]);
  });

  test('pk keeps the main on the left even when the rival joined first', () => {
    const plan = planOf(room([{ streamId: 'rival' }, { streamId: 'host', role: 'main' }], { preset: 'pk' }));
    expect(tile(plan, 'host')?.rect).toEqual({ x: 0, y: 0, width: 360, height: 640 });
    expect(tile(plan, 'rival')?.rect).toEqual({ x: 360, y: 0, width: 360, height: 640 });
  });

  test('speaker gives the main the large tile even when others joined first', () => {
    const plan = planOf(
      room([{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'host', role: 'main' }], { preset: 'speaker' }),
    );
    expect(tile(plan, 'host')).toMatchObject({ slot: 0, rect: { x: 0, y: 0, width: 1280, height: 576 } });
    expect(tile(plan, 'a')?.rect).toEqual({ x: 0, y: 576, width: 256, height: 144 });
  });

  test('speaker without a main features the earliest joiner', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }], { preset: 'speaker' }));
    expect(tile(plan, 'a')?.slot).toBe(0);
  });

  test('a configured canvas and colour are used', () => {
    const plan = planOf(
      room([{ streamId: 'a' }, { streamId: 'b' }], {
        canvas: { width: 640, height: 360 },
        background: { color: '0x99CCFF' },
      }),
    );
    expect(plan.inputs[0]).toMatchObject({ color: '0x99CCFF', rect: { width: 640, height: 360 } });
    expect(tile(plan, 'b')?.rect).toEqual({ x: 320, y: 0, width: 320, height: 360 });
  });

  test('an unusable canvas or colour falls back to the defaults, and explain says so', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }], {
      canvas: { width: 5000, height: 10 },
      background: { color: 'red' },
    });
    const plan = planOf(snapshot);
    expect(plan.inputs[0]).toMatchObject({ color: '0x000000', rect: { width: 1280, height: 720 } });
    expect(explain(snapshot, LIMITS.legacy).join('\n')).toMatch(/config.canvas 5000×10 is not whole pixels/);
  });

  test('a background picture goes over the canvas as layer 2, streams from layer 3', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }], { background: { pictureId: 77 } }));
    expect(plan.inputs.slice(0, 3).map((t) => [t.streamId, t.layer, t.inputType])).toEqual([
      ['mk_canvas', 1, 3],
      ['mk_picture', 2, 2],
      ['a', 3, 0],
    ]);
    expect(plan.inputs[1]?.pictureId).toBe(77);
  });

  test('the canvas label avoids a stream that is already called mk_canvas', () => {
    const plan = planOf(room([{ streamId: 'mk_canvas' }, { streamId: 'b' }]));
    expect(plan.inputs[0]?.streamId).toBe('mk_canvas_1');
  });
});

describe('bitrate', () => {
  test('the configured bitrate is copied', () => {
    expect(planOf(room([{ streamId: 'a' }, { streamId: 'b' }], { bitrate: 1500 })).bitrate).toBe(1500);
  });

  test('a bitrate outside [1, 50000] is left to the platform', () => {
    const plan = planOf(room([{ streamId: 'a' }, { streamId: 'b' }], { bitrate: 90000 }));
    expect(plan).not.toHaveProperty('bitrate');
  });
});

describe('within the limits of the mix API in use (Cloud API 3.0: 2000 px, 10000 kbps)', () => {
  const api3 = LIMITS.api3;
  const planFor = (snapshot: RoomSnapshot) => {
    const plan = layout(snapshot, api3);
    if (!plan) throw new Error(`expected a plan:\n${explain(snapshot, api3).join('\n')}`);
    expect(validatePlan(plan, api3)).toEqual({ ok: true });
    return plan;
  };

  test('a 2400×1350 canvas is used on Mix_StreamV2; on Cloud API 3.0 the default, naming the limit', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }], { canvas: { width: 2400, height: 1350 } });
    expect(planOf(snapshot).canvas).toEqual({ width: 2400, height: 1350 });
    expect(planFor(snapshot).canvas).toEqual({ width: 1280, height: 720 });
    expect(explain(snapshot, api3)).toContain(
      'config.canvas 2400×1350 is not whole pixels within [16, 2000] a side on Cloud API 3.0: using 1280×720',
    );
  });

  test('bitrate 20000 is sent on Mix_StreamV2; on Cloud API 3.0 it is left to the platform, naming the range', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }], { bitrate: 20000 });
    expect(planOf(snapshot).bitrate).toBe(20000);
    expect(planFor(snapshot)).not.toHaveProperty('bitrate');
    expect(explain(snapshot, api3)).toContain(
      'bitrate 20000 is outside [1, 10000] kbps on Cloud API 3.0: left to the platform',
    );
  });

  test('a 2560×1440 guest is mixed on Mix_StreamV2, left out on Cloud API 3.0 with the reason', () => {
    const snapshot = room([
      { streamId: 'host', role: 'main', width: 540, height: 960 },
      { streamId: 'g1' },
      { streamId: 'big', width: 2560, height: 1440 },
    ]);
    expect(ids(planOf(snapshot))).toContain('big');
    expect(ids(planFor(snapshot))).toEqual(['host', 'g1']);
    expect(explain(snapshot, api3)).toContain(
      "big left out: its 2560×1440 picture is over Cloud API 3.0's input limit of 2000 px a side",
    );
  });

  test("a 2560×1440 main is PiP's canvas on Mix_StreamV2; on Cloud API 3.0 it is left out and pip waits", () => {
    const snapshot = room(
      [{ streamId: 'host', role: 'main', width: 2560, height: 1440 }, { streamId: 'g1' }, { streamId: 'g2' }],
      { preset: 'pip' },
    );
    expect(planOf(snapshot).canvas).toEqual({ width: 2560, height: 1440 });
    expect(layout(snapshot, api3)).toBeNull();
    expect(explain(snapshot, api3)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^room r1: no mix: preset pip needs its main live/),
        "host left out: its 2560×1440 picture is over Cloud API 3.0's input limit of 2000 px a side",
      ]),
    );
  });
});

describe('determinism', () => {
  test('the order streams are listed in does not matter', () => {
    const a = room([{ streamId: 'host', role: 'main' }, { streamId: 'a' }, { streamId: 'b' }]);
    const b = { ...a, streams: [...a.streams].reverse() };
    expect(layout(b, LIMITS.legacy)).toEqual(layout(a, LIMITS.legacy));
  });
});
