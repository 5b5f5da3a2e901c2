import { describe, expect, test } from 'vitest';
import { ids, planOf } from '../../test/support/layout-plans.js';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import { type LayoutTemplate, layoutTemplateSchema } from './layout-template.js';
import type { RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';
import { checkTemplate } from './template-check.js';

/** A stage: the host large on the left, two guest places on the right, a logo over everything. */
const stage: LayoutTemplate = layoutTemplateSchema.parse({
  canvas: { width: 1280, height: 720 },
  background: { color: '0x101010' },
  slots: [
    { name: 'host', rect: { x: 0, y: 0, width: 860, height: 720 }, takes: 'main' },
    {
      name: 'top',
      rect: { x: 860, y: 0, width: 420, height: 360 },
      takes: 'guest',
      placeholder: { pictureId: 77 },
    },
    { name: 'bottom', rect: { x: 860, y: 360, width: 420, height: 360 }, takes: 'guest' },
  ],
  overlays: [{ name: 'logo', pictureId: 9, rect: { x: 20, y: 20, width: 120, height: 60 } }],
});

function room(
  streams: Array<Partial<SnapshotStream> & { streamId: string }>,
  config: RoomConfig = {},
  layouts: Record<string, LayoutTemplate> = { stage },
): RoomSnapshot {
  return {
    roomId: 'r1',
    config: { preset: 'layout:stage', ...config },
    layouts,
    streams: streams.map((s, i) => ({
      role: 'guest',
      media: 'av',
      joinedAt: i,
      width: 1280,
      height: 720,
      ...s,
    })),
  };
}

describe('layout templates', () => {
  test('the host takes the main slot, a guest the first guest slot, the empty one shows its placeholder, the logo is on top', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }]));
    expect(plan.preset).toBe('layout:stage');
    expect(plan.templateId).toBe(0);
    expect(plan.canvas).toEqual({ width: 1280, height: 720 });
    expect(ids(plan)).toEqual(['mk_canvas', 'host', 'g1', 'mk_overlay0']);
    expect(plan.inputs.find((t) => t.streamId === 'g1')).toMatchObject({
      slot: 1,
      rect: { x: 860, y: 0, width: 420, height: 360 },
    });
    // The bottom slot has no placeholder: the canvas shows there.
    expect(plan.inputs.find((t) => t.streamId === 'mk_overlay0')).toMatchObject({
      inputType: 2,
      pictureId: 9,
      layer: 4,
    });
  });

  test('an empty slot with a placeholder shows the picture, only while it is empty', () => {
    const host = { streamId: 'host', role: 'main' as const };
    const alone = planOf(room([host, { streamId: 'voice', media: 'audio' }]));
    expect(alone.inputs.find((t) => t.streamId === 'mk_slot1')).toMatchObject({
      inputType: 2,
      pictureId: 77,
    });
    const full = planOf(room([host, { streamId: 'g1' }, { streamId: 'g2' }]));
    expect(ids(full)).toEqual(['mk_canvas', 'host', 'g1', 'g2', 'mk_overlay0']);
  });

  test('the latest joiner waits when the slots are full; a fallback preset takes over when the template says so', () => {
    const streams = [
      { streamId: 'host', role: 'main' as const },
      { streamId: 'g1' },
      { streamId: 'g2' },
      { streamId: 'g3' },
    ];
    const waiting = room(streams);
    expect(ids(planOf(waiting))).not.toContain('g3');
    expect(explain(waiting, LIMITS.legacy)).toContain(
      'g3 waits: layout stage has no free slot that takes a guest',
    );
    const fallback = planOf(room(streams, {}, { stage: { ...stage, whenFull: { preset: 'grid' } } }));
    expect(fallback.preset).toBe('grid');
    expect(ids(fallback)).toContain('g3');
  });

  test('sticky: a guest leaving leaves the others where they are', () => {
    const first = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }, { streamId: 'g2' }]));
    const g2 = first.inputs.find((t) => t.streamId === 'g2');
    const after = planOf(
      room([
        { streamId: 'host', role: 'main' },
        { streamId: 'g2', slot: g2?.slot ?? -1 },
      ]),
    );
    expect(after.inputs.find((t) => t.streamId === 'g2')?.slot).toBe(2);
    expect(after.inputs.find((t) => t.streamId === 'mk_slot1')).toMatchObject({ pictureId: 77 });
  });

  test('spotlight puts a guest in the largest slot, whatever it takes; the output stays the main', () => {
    const snapshot = room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }], { spotlight: 'g1' });
    const plan = planOf(snapshot);
    expect(plan.inputs.find((t) => t.streamId === 'g1')?.slot).toBe(0);
    expect(plan.inputs.find((t) => t.streamId === 'host')?.slot).toBe(1);
    expect(plan.outputStreamId).toBe('host');
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'spotlight: g1 takes the largest slot, slot 0 ("host")',
    );
  });

  test('contain shows the whole picture, letterboxed, without a crop', () => {
    const plan = planOf(room([{ streamId: 'host', role: 'main' }, { streamId: 'g1' }], { fill: 'contain' }));
    expect(plan.inputs.find((t) => t.streamId === 'g1')).toMatchObject({
      rect: { x: 860, y: 62, width: 420, height: 236 },
    });
    expect(plan.inputs.find((t) => t.streamId === 'g1')?.crop).toBeUndefined();
  });

  test('an audio-only guest with audioOnly tile: a picture holds its slot and its voice is mixed', () => {
    const plan = planOf(
      room(
        [
          { streamId: 'host', role: 'main' },
          { streamId: 'voice', media: 'audio', width: 0, height: 0 },
        ],
        {
          audioOnly: 'tile',
          avatarPictureId: 5,
        },
      ),
    );
    expect(plan.inputs.find((t) => t.streamId === 'mk_avatar_voice')).toMatchObject({
      inputType: 2,
      pictureId: 5,
      rect: { x: 860, y: 0, width: 420, height: 360 },
    });
    expect(plan.inputs.find((t) => t.streamId === 'voice')).toMatchObject({ inputType: 4, slot: 1 });
  });

  test("a canvas of the main's size with fractions: the main full-frame, a guest in a corner", () => {
    const corner = layoutTemplateSchema.parse({
      canvas: 'main',
      slots: [
        { rect: { x: 0, y: 0, width: 1, height: 1, unit: 'fraction' }, takes: 'main' },
        { rect: { x: 0.7, y: 0.7, width: 0.25, height: 0.25, unit: 'fraction' } },
      ],
    });
    const plan = planOf(
      room(
        [{ streamId: 'host', role: 'main', width: 540, height: 960 }, { streamId: 'g' }],
        { preset: 'layout:corner' },
        { corner },
      ),
    );
    expect(plan.canvas).toEqual({ width: 540, height: 960 });
    expect(plan.inputs.find((t) => t.streamId === 'host')?.rect).toEqual({
      x: 0,
      y: 0,
      width: 540,
      height: 960,
    });
    expect(plan.inputs.find((t) => t.streamId === 'g')?.rect).toEqual({
      x: 378,
      y: 672,
      width: 135,
      height: 240,
    });
  });

  test('a room naming an undefined layout gets the default preset, with the reason', () => {
    const snapshot = room([{ streamId: 'host', role: 'main' }, { streamId: 'g' }], { preset: 'layout:nope' });
    expect(planOf(snapshot).preset).toBe('pip');
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'preset pip: layout template "nope" is not defined, and main host is live',
    );
  });
});

describe('checkTemplate names the slot and the rule', () => {
  const base = (patch: Partial<LayoutTemplate>): LayoutTemplate => ({ ...stage, ...patch });

  test('a slot outside the canvas', () => {
    const issues = checkTemplate(
      base({ slots: [...stage.slots, { name: 'spill', rect: { x: 1200, y: 0, width: 100, height: 100 } }] }),
      LIMITS.legacy,
    );
    expect(issues).toEqual([
      {
        path: ['slots', 3, 'rect'],
        message: 'slot 3 ("spill"): reaches x 1300, outside the 1280×720 canvas',
      },
    ]);
  });

  test('more than 16 inputs, counting canvas, background picture and overlays', () => {
    const slot = { rect: { x: 0, y: 0, width: 10, height: 10 } };
    const issues = checkTemplate(
      base({
        background: { pictureId: 3 },
        slots: Array.from({ length: 13 }, (_, i) => ({ ...slot, z: i + 1 })),
        overlays: [stage.overlays![0]!, stage.overlays![0]!],
      }),
      LIMITS.legacy,
    );
    expect(issues.map((i) => i.message)).toEqual([
      '17 inputs (the canvas, a background picture, 13 slots, 2 overlays): the platform mixes at most 16',
    ]);
  });

  test("the backend's limits: a 2400 px canvas is fine on Mix_StreamV2, refused on Cloud API 3.0", () => {
    const wide = base({ canvas: { width: 2400, height: 720 } });
    expect(checkTemplate(wide, LIMITS.legacy)).toEqual([]);
    expect(checkTemplate(wide, LIMITS.api3)).toEqual([
      {
        path: ['canvas', 'width'],
        message: '2400 px: canvas sides are whole pixels from 16 to 2000 on Cloud API 3.0',
      },
    ]);
  });

  test('two slots on one z', () => {
    const issues = checkTemplate(
      base({ slots: [{ ...stage.slots[0]!, z: 2 }, stage.slots[1]!] }),
      LIMITS.legacy,
    );
    expect(issues).toEqual([
      {
        path: ['slots', 1, 'z'],
        message: 'slot 1 ("top"): z 2 is also slot 0 ("host")\'s; each slot needs its own z',
      },
    ]);
  });

  test("pixel rects on the main's canvas", () => {
    const issues = checkTemplate(base({ canvas: 'main', overlays: [] }), LIMITS.legacy);
    expect(issues[0]?.message).toMatch(/^slot 0 \("host"\): the canvas is the main's size/);
  });
});
