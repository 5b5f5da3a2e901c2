import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { INPUT_TYPES, LIMITS, MAX_INPUTS, type MixLimits } from '../tencent/limits.js';
import { layout } from './layout.js';
import type { LayoutTemplate, TemplateRect } from './layout-template.js';
import type { MixPlan, RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';
import { checkTemplate } from './template-check.js';
import { validatePlan } from './validate.js';

/**
 * The plan invariants (DESIGN.md) over random layout templates and random rooms: a template that
 * passes `checkTemplate` gives plans the platform takes, every live stream at most once, every
 * tile inside the canvas, at most 16 inputs, placeholders only in empty slots, overlays above
 * every tile. Templates that fail the check never reach a plan as a layout.
 */

const sideArb = fc.oneof(fc.constantFrom(360, 540, 720, 1280, 1920), fc.integer({ min: 16, max: 3000 }));

function pixelRect(w: number, h: number): fc.Arbitrary<TemplateRect> {
  return fc
    .record({ x: fc.integer({ min: 0, max: w - 1 }), y: fc.integer({ min: 0, max: h - 1 }) })
    .chain(({ x, y }) =>
      fc.record({
        x: fc.constant(x),
        y: fc.constant(y),
        // Now and then past the canvas's edge: checkTemplate must refuse that.
        width: fc.oneof(
          { weight: 9, arbitrary: fc.integer({ min: 1, max: w - x }) },
          { weight: 1, arbitrary: fc.integer({ min: 1, max: w }) },
        ),
        height: fc.integer({ min: 1, max: h - y }),
      }),
    );
}

const fractionRect: fc.Arbitrary<TemplateRect> = fc
  .record({
    x: fc.double({ min: 0, max: 0.95, noNaN: true }),
    y: fc.double({ min: 0, max: 0.95, noNaN: true }),
  })
  .chain(({ x, y }) =>
    fc.record({
      x: fc.constant(x),
      y: fc.constant(y),
      width: fc.double({ min: 0.01, max: 1 - x, noNaN: true }),
      height: fc.double({ min: 0.01, max: 1 - y, noNaN: true }),
      unit: fc.constant('fraction' as const),
    }),
  );

const placeholderArb = fc.oneof(
  fc.constant(undefined),
  fc.record({ pictureId: fc.integer({ min: 1, max: 1000 }) }),
  fc.record({ color: fc.constantFrom('0x000000', '0x336699') }),
);

const templateArb: fc.Arbitrary<LayoutTemplate> = fc
  .oneof(fc.record({ width: sideArb, height: sideArb }), fc.constant('main' as const))
  .chain((canvas) => {
    const rect =
      canvas === 'main' ? fractionRect : fc.oneof(pixelRect(canvas.width, canvas.height), fractionRect);
    const slot = fc.record(
      {
        rect,
        z: fc.integer({ min: 1, max: 16 }),
        takes: fc.constantFrom('main' as const, 'guest' as const, 'any' as const),
        order: fc.integer({ min: 0, max: 20 }),
        fill: fc.constantFrom('cover' as const, 'contain' as const),
        placeholder: placeholderArb,
      },
      { requiredKeys: ['rect'] },
    );
    return fc.record(
      {
        canvas: fc.constant(canvas),
        background: fc.record(
          { color: fc.constant('0x202020'), pictureId: fc.integer({ min: 1, max: 99 }) },
          { requiredKeys: [] },
        ),
        slots: fc.array(slot, { minLength: 1, maxLength: 15 }),
        overlays: fc.array(fc.record({ pictureId: fc.integer({ min: 1, max: 99 }), rect }), { maxLength: 4 }),
        whenFull: fc.constantFrom(
          'wait' as const,
          'wait' as const,
          { preset: 'grid' as const },
          { preset: 'pip' as const },
        ),
      },
      { requiredKeys: ['canvas', 'slots'] },
    );
  })
  // Explicit z values mostly clash (checkTemplate refuses that): most templates stack slots in list order.
  .chain((t) =>
    fc.boolean().map((keepZ) => (keepZ ? t : { ...t, slots: t.slots.map(({ z: _z, ...slot }) => slot) })),
  )
  .map((t) => JSON.parse(JSON.stringify(t)) as LayoutTemplate);

const streamArb: fc.Arbitrary<SnapshotStream> = fc.record(
  {
    streamId: fc.constantFrom(...Array.from({ length: 20 }, (_, i) => `s${i}`)),
    role: fc.constantFrom('main' as const, 'guest' as const, 'guest' as const),
    media: fc.constantFrom('av' as const, 'av' as const, 'audio' as const, 'video' as const),
    joinedAt: fc.integer({ min: 0, max: 30 }),
    width: fc.constantFrom(0, 360, 640, 1280, 1920),
    height: fc.constantFrom(0, 360, 640, 720, 1080),
    slot: fc.integer({ min: -1, max: 16 }),
  },
  { requiredKeys: ['streamId', 'role', 'media', 'joinedAt', 'width', 'height'] },
);

const configArb: fc.Arbitrary<RoomConfig> = fc
  .record(
    {
      audioOnly: fc.constantFrom('mix' as const, 'tile' as const, 'exclude' as const),
      avatarPictureId: fc.integer({ min: 1, max: 50 }),
      compact: fc.boolean(),
      fill: fc.constantFrom('cover' as const, 'contain' as const),
      spotlight: fc.constantFrom('s0', 's1', 's5', 'nobody'),
      output: fc.constantFrom({ type: 0 as const }, { type: 1 as const }),
    },
    { requiredKeys: [] },
  )
  .map((c) => ({ ...c, preset: 'layout:t' as const }));

const roomArb: fc.Arbitrary<RoomSnapshot> = fc.record({
  roomId: fc.constant('r1'),
  config: configArb,
  streams: fc.uniqueArray(streamArb, { minLength: 1, maxLength: 18, selector: (s) => s.streamId }),
});

const limitsArb = fc.constantFrom<MixLimits>(LIMITS.legacy, LIMITS.api3);

/** How many random rooms were laid out by their template: the properties must not hold vacuously. */
let templatePlans = 0;

const STREAM_TYPES: ReadonlySet<number> = new Set([INPUT_TYPES.av, INPUT_TYPES.audio, INPUT_TYPES.video]);

describe('layout templates: the plan invariants over random templates', () => {
  test.prop([templateArb, roomArb, limitsArb], { numRuns: 400 })(
    'a template that passes its check gives plans the platform takes, with every rule of a template kept',
    (template, r, limits) => {
      const snapshot: RoomSnapshot = { ...r, layouts: { t: template } };
      const plan = layout(snapshot, limits);
      const ok = checkTemplate(template, limits).length === 0;
      if (!plan) return;
      expect(validatePlan(plan, limits)).toEqual({ ok: true });
      if (!ok) {
        // Never sent as the layout: the room gets a built-in preset instead.
        expect(plan.preset).not.toBe('layout:t');
        return;
      }
      if (plan.preset !== 'layout:t') return;
      templatePlans++;
      expectTemplateRules(plan, template, snapshot);
    },
  );

  test('most random rooms were laid out by their template', () => {
    expect(templatePlans).toBeGreaterThan(100);
  });

  test.prop([templateArb, roomArb, limitsArb], { numRuns: 150 })(
    'sticky: a guest leaving never moves another stream to another slot (unless the room compacts)',
    (template, r, limits) => {
      const snapshot: RoomSnapshot = {
        ...r,
        config: { ...r.config, compact: false },
        layouts: { t: template },
      };
      const p1 = layout(snapshot, limits);
      if (p1?.preset !== 'layout:t') return;
      const slots = new Map(
        p1.inputs.flatMap((t) => (t.slot === undefined ? [] : [[t.streamId, t.slot] as const])),
      );
      // A spotlit guest leaving ends the spotlight: the main it displaced goes back to its own slot.
      const leaver = snapshot.streams.find(
        (s) => slots.has(s.streamId) && s.role === 'guest' && s.streamId !== snapshot.config.spotlight,
      );
      if (!leaver) return;
      const streams = snapshot.streams
        .filter((s) => s !== leaver)
        .map((s) => {
          const { slot: _old, ...rest } = s;
          const slot = slots.get(s.streamId);
          return slot === undefined ? rest : { ...rest, slot };
        });
      const p2 = layout({ ...snapshot, streams }, limits);
      if (p2?.preset !== 'layout:t') return;
      for (const t of p2.inputs) {
        const before = slots.get(t.streamId);
        if (before !== undefined && t.slot !== undefined) expect(t.slot).toBe(before);
      }
    },
  );
});

function expectTemplateRules(plan: MixPlan, template: LayoutTemplate, snapshot: RoomSnapshot) {
  expect(plan.inputs.length).toBeLessThanOrEqual(MAX_INPUTS);
  // Every live stream at most once.
  const streamIds = plan.inputs.filter((t) => STREAM_TYPES.has(t.inputType)).map((t) => t.streamId);
  expect(new Set(streamIds).size).toBe(streamIds.length);
  for (const id of streamIds) expect(snapshot.streams.map((s) => s.streamId)).toContain(id);
  // Inside the canvas.
  for (const t of plan.inputs) {
    if (!t.rect) continue;
    expect(t.rect.x + t.rect.width).toBeLessThanOrEqual(plan.canvas.width);
    expect(t.rect.y + t.rect.height).toBeLessThanOrEqual(plan.canvas.height);
  }
  // Placeholders only in empty slots.
  const held = new Set(plan.inputs.flatMap((t) => (t.slot === undefined ? [] : [t.slot])));
  for (const t of plan.inputs) {
    const slot = /^mk_slot(\d+)/.exec(t.streamId)?.[1];
    if (slot !== undefined) {
      expect(held.has(Number(slot))).toBe(false);
      expect(template.slots[Number(slot)]?.placeholder).toBeDefined();
    }
  }
  // Overlays above every tile.
  const overlays = plan.inputs.filter((t) => t.streamId.startsWith('mk_overlay')).map((t) => t.layer);
  const tiles = plan.inputs
    .filter((t) => t.rect && !t.streamId.startsWith('mk_overlay') && t.layer > 1)
    .map((t) => t.layer);
  expect(overlays).toHaveLength(template.overlays?.length ?? 0);
  if (overlays.length && tiles.length) expect(Math.min(...overlays)).toBeGreaterThan(Math.max(...tiles));
}
