import { describe, expect, test } from 'vitest';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import { layout } from './layout.js';
import type { RoomConfig, RoomSnapshot, SnapshotStream } from './plan.js';
import { parseTemplatePreset } from './template.js';
import { validatePlan } from './validate.js';

function room(
  streams: Array<Partial<SnapshotStream> & { streamId: string }>,
  config: RoomConfig,
): RoomSnapshot {
  return {
    roomId: 'r1',
    config,
    streams: streams.map((s, i) => ({ role: 'guest', media: 'av', joinedAt: i, width: 0, height: 0, ...s })),
  };
}

describe('template presets', () => {
  test('parses template:<id> and nothing else', () => {
    expect(parseTemplatePreset('template:410')).toBe(410);
    expect(parseTemplatePreset('template:')).toBeUndefined();
    expect(parseTemplatePreset('template:4x')).toBeUndefined();
    expect(parseTemplatePreset('grid')).toBeUndefined();
  });

  test('template 20 with two streams: the main on layer 1, no geometry, the template id sent', () => {
    const plan = layout(
      room([{ streamId: 'host', role: 'main' }, { streamId: 'g' }], { preset: 'template:20' }),
      LIMITS.legacy,
    );
    expect(plan).toMatchObject({ preset: 'template:20', templateId: 20, outputStreamId: 'host' });
    expect(plan?.inputs).toEqual([
      { streamId: 'host', layer: 1, inputType: 0, role: 'main' },
      { streamId: 'g', layer: 2, inputType: 0, role: 'guest', slot: 0 },
    ]);
    expect(plan && validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  });

  test('template 390 with two hosts puts a canvas on layer 1 (three inputs)', () => {
    const plan = layout(
      room([{ streamId: 'a' }, { streamId: 'b' }], { preset: 'template:390' }),
      LIMITS.legacy,
    );
    expect(plan?.templateId).toBe(390);
    expect(plan?.inputs.map((t) => [t.streamId, t.layer, t.inputType])).toEqual([
      ['mk_canvas', 1, 3],
      ['a', 2, 0],
      ['b', 3, 0],
    ]);
    expect(plan?.canvas).toEqual({ width: 400, height: 640 });
    expect(plan && validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  });

  test('template 410 with three streams falls back to the default preset, with the reason', () => {
    const snapshot = room([{ streamId: 'host', role: 'main' }, { streamId: 'a' }, { streamId: 'b' }], {
      preset: 'template:410',
    });
    const plan = layout(snapshot, LIMITS.legacy);
    expect(plan).toMatchObject({ preset: 'pip', templateId: 0 });
    expect(explain(snapshot, LIMITS.legacy)).toContain(
      'preset pip: template 410 lays out exactly 4 inputs, but this room has 3, and main host is live',
    );
  });

  test('template 590 counts its canvas: four streams fit, five do not', () => {
    const four = [{ streamId: 'a' }, { streamId: 'b' }, { streamId: 'c' }, { streamId: 'd' }];
    expect(layout(room(four, { preset: 'template:590' }), LIMITS.legacy)?.templateId).toBe(590);
    const five = room([...four, { streamId: 'e' }], { preset: 'template:590' });
    expect(layout(five, LIMITS.legacy)).toMatchObject({ preset: 'grid', templateId: 0 });
    expect(explain(five, LIMITS.legacy).join('\n')).toMatch(
      /template 590 lays out exactly 5 inputs, its canvas included, but this room has 6/,
    );
  });

  test('an id that is not a Tencent template falls back', () => {
    const snapshot = room([{ streamId: 'a' }, { streamId: 'b' }], { preset: 'template:11' });
    expect(layout(snapshot, LIMITS.legacy)?.templateId).toBe(0);
    expect(explain(snapshot, LIMITS.legacy).join('\n')).toMatch(
      /template 11 is not one of Tencent's template ids/,
    );
  });

  test('a non-canvas template over audio-only streams falls back (no picture for layer 1)', () => {
    const snapshot = room(
      [
        { streamId: 'a', media: 'audio' },
        { streamId: 'b', media: 'audio' },
      ],
      { preset: 'template:10' },
    );
    expect(layout(snapshot, LIMITS.legacy)?.templateId).toBe(0);
  });
});
