import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  INPUT_TYPES,
  LIMITS,
  MAX_INPUTS,
  type MixLimits,
  STREAM_ID_PATTERN,
  TEMPLATES,
} from '../tencent/limits.js';
import { compose } from './compose.js';
import { explain } from './explain.js';
import { layout } from './layout.js';
import { defaultOutputStreamId } from './output.js';
import type { MixPlan, Preset, RoomConfig, RoomSnapshot, SnapshotStream, Tile } from './plan.js';
import { validatePlan } from './validate.js';

/**
 * DESIGN.md's plan invariants over random rooms: 0–20 streams with random roles, media and
 * resolutions (0 = unknown, some beyond the platform's 3000 px), remembered slots, and random
 * configs, valid or not; planned for either mix API (Cloud API 3.0 takes 2000 px and 10000 kbps).
 */

const ID_POOL = Array.from({ length: 24 }, (_, i) => `s${i}`);
const streamIdArb = fc.oneof(
  { weight: 20, arbitrary: fc.constantFrom(...ID_POOL) },
  { weight: 1, arbitrary: fc.constantFrom('bad-id', '', 'x'.repeat(81), 'mk_canvas', 'r1_mix') },
);
const sideArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.constantFrom(180, 320, 360, 480, 540, 640, 720, 960, 1080, 1280, 1920) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 3200 }) },
);
const streamArb: fc.Arbitrary<SnapshotStream> = fc.record(
  {
    streamId: streamIdArb,
    role: fc.constantFrom('main' as const, 'guest' as const),
    media: fc.constantFrom('av' as const, 'av' as const, 'audio' as const, 'video' as const),
    joinedAt: fc.integer({ min: 0, max: 30 }),
    width: sideArb,
    height: sideArb,
    slot: fc.integer({ min: -1, max: 20 }),
  },
  { requiredKeys: ['streamId', 'role', 'media', 'joinedAt', 'width', 'height'] },
);
const uniqueStreams = (minLength: number) =>
  fc.uniqueArray(streamArb, { minLength, maxLength: 20, selector: (s) => s.streamId });
// Half the rooms are big (12–20 streams) so full mixes and dropped joiners come up often.
const streamsArb = fc.oneof(uniqueStreams(0), uniqueStreams(12));

/** `arb` in about `percent`% of values, else absent. */
function sometimes<T>(arb: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: 100 - percent, arbitrary: fc.constant(undefined) },
    { weight: percent, arbitrary: arb },
  );
}

const PRESET_NAMES = [
  'pip',
  'pk',
  'grid',
  'speaker',
  'audio',
  ...Object.keys(TEMPLATES).map((id) => `template:${id}`),
  'template:11',
  'nonsense',
];
const canvasSideArb = fc.oneof(fc.integer({ min: 0, max: 3200 }), fc.constantFrom(16, 64, 400, 720, 1280));
const configArb: fc.Arbitrary<RoomConfig> = fc
  .record({
    // Rooms arrive from storage: a preset may be anything, not only the names the type allows.
    preset: sometimes(
      fc.constantFrom(...PRESET_NAMES).map((p) => p as Preset),
      70,
    ),
    canvas: sometimes(fc.record({ width: canvasSideArb, height: canvasSideArb }), 30),
    output: sometimes(
      fc.oneof(
        fc.record({ type: fc.constant(0 as const) }),
        fc.record({ type: fc.constant(1 as const), streamId: streamIdArb }, { requiredKeys: ['type'] }),
      ),
      40,
    ),
    background: sometimes(
      fc.record(
        {
          color: fc.constantFrom('0x000000', '0x99CCFF', 'red'),
          pictureId: fc.integer({ min: -1, max: 1000 }),
        },
        { requiredKeys: [] },
      ),
      25,
    ),
    audioOnly: sometimes(fc.constantFrom('mix' as const, 'exclude' as const, 'tile' as const), 30),
    avatarPictureId: sometimes(fc.integer({ min: -1, max: 1000 }), 30),
    fill: sometimes(fc.constantFrom('cover' as const, 'contain' as const), 25),
    tileOrientation: sometimes(
      fc.constantFrom('source' as const, 'portrait' as const, 'landscape' as const),
      20,
    ),
    spotlight: sometimes(streamIdArb, 20),
    compact: sometimes(fc.boolean(), 30),
    mainStreamId: sometimes(streamIdArb, 25),
    include: sometimes(fc.subarray(ID_POOL), 10),
    exclude: sometimes(fc.subarray(ID_POOL, { maxLength: 4 }), 25),
    bitrate: sometimes(fc.integer({ min: -10, max: 60000 }), 30),
  })
  // exactOptionalPropertyTypes: an absent setting is a missing key, never `undefined`.
  .map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as RoomConfig);
const snapshotArb: fc.Arbitrary<RoomSnapshot> = fc.record({
  roomId: fc.constantFrom('r1', 'room-7', 'x'.repeat(90)),
  config: configArb,
  streams: streamsArb,
});

// Template rooms with about as many streams as their template takes, so that every template (those
// on a canvas too) gives plans: in snapshotArb's rooms the counts rarely match.
const templateRoomArb: fc.Arbitrary<RoomSnapshot> = fc
  .constantFrom(...Object.entries(TEMPLATES))
  .chain(([id, { inputs }]) =>
    fc.record({
      roomId: fc.constant('r1'),
      config: configArb.map((c): RoomConfig => ({ ...c, preset: `template:${Number(id)}` })),
      streams: fc.uniqueArray(streamArb, {
        minLength: inputs - 1,
        maxLength: inputs + 1,
        selector: (s) => s.streamId,
      }),
    }),
  );

const limitsArb = fc.constantFrom<MixLimits>(LIMITS.legacy, LIMITS.api3);

const byJoin = (a: SnapshotStream, b: SnapshotStream) =>
  a.joinedAt - b.joinedAt || (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0);

/** The output of a type 1 room, as the config asks for it. */
function expectedNewOutput(s: RoomSnapshot): string | undefined {
  const out = s.config.output;
  if (out?.type !== 1) return undefined;
  return out.streamId !== undefined && STREAM_ID_PATTERN.test(out.streamId)
    ? out.streamId
    : defaultOutputStreamId(s.roomId);
}

/** The live streams that may be mixed, worked out from the rules as stated, in join order. */
function mixableOracle(s: RoomSnapshot, limits: MixLimits): SnapshotStream[] {
  const output = expectedNewOutput(s);
  const { include, exclude = [], audioOnly } = s.config;
  return [...s.streams].sort(byJoin).filter((x) => {
    const tooBig = x.width > limits.maxPixels || x.height > limits.maxPixels;
    const known = x.width > 0 && x.height > 0;
    return (
      STREAM_ID_PATTERN.test(x.streamId) &&
      !(known && tooBig) &&
      x.streamId !== output &&
      (include === undefined || include.includes(x.streamId)) &&
      !exclude.includes(x.streamId) &&
      !(audioOnly === 'exclude' && x.media === 'audio')
    );
  });
}

function mainOracle(s: RoomSnapshot, mixable: SnapshotStream[]): SnapshotStream | undefined {
  return mixable.find((x) => x.streamId === s.config.mainStreamId) ?? mixable.find((x) => x.role === 'main');
}

const streamInputs = (plan: MixPlan) =>
  plan.inputs.filter((t) => t.inputType !== INPUT_TYPES.canvas && t.inputType !== INPUT_TYPES.picture);

function onCanvas(rect: NonNullable<Tile['rect']>, canvas: MixPlan['canvas']): boolean {
  const { x, y, width, height } = rect;
  return (
    [x, y, width, height].every(Number.isInteger) &&
    width > 0 &&
    height > 0 &&
    x >= 0 &&
    y >= 0 &&
    x + width <= canvas.width &&
    y + height <= canvas.height
  );
}

/** What a template plan breaks of its template's shape; nothing for a plan of placed rectangles. */
function templateProblems(plan: MixPlan): string[] {
  if (plan.templateId === 0) return [];
  const template = TEMPLATES[plan.templateId];
  return [
    ...(template?.inputs === plan.inputs.length ? [] : [`${plan.inputs.length} inputs`]),
    ...(template?.needsCanvas && plan.inputs[0]?.inputType !== INPUT_TYPES.canvas ? ['no canvas first'] : []),
    ...plan.inputs
      .filter((t) => t.inputType !== INPUT_TYPES.canvas && t.rect !== undefined)
      .map((t) => `a rectangle on ${t.streamId}`),
  ];
}

/** The next reconcile's snapshot: `slot` is the tile each stream held in the last plan, so streams
 *  the plan placed remember theirs and the others (left out, dropped, audio-only) have none. */
function remember(s: RoomSnapshot, plan: MixPlan): RoomSnapshot {
  const slots = new Map(plan.inputs.map((t) => [t.streamId, t.slot]));
  return {
    ...s,
    streams: s.streams.map((x) => {
      const { slot: _old, ...rest } = x;
      const slot = slots.get(x.streamId);
      return slot === undefined ? rest : { ...rest, slot };
    }),
  };
}

/** compose's words for a plan it built and then dropped because validatePlan refused it. */
const REFUSED = /the plan would be refused/;

/** The room gets no plan only for a reason of its own (too few streams, no main…), never because
 *  the plan built for it failed validation: that would be a geometry bug hidden as "no mix". */
function expectNoRefusedPlan(s: RoomSnapshot, limits: MixLimits): void {
  const { plan, reasons } = compose(s, limits);
  expect(reasons.filter((r) => REFUSED.test(r))).toEqual([]);
  expect(plan).toEqual(layout(s, limits));
}

/** The room's plan, if it gets one: none refused on the way, and the one it gets the platform accepts. */
function acceptedPlan(s: RoomSnapshot, limits: MixLimits): MixPlan | null {
  expectNoRefusedPlan(s, limits);
  const plan = layout(s, limits);
  if (plan) {
    expect(validatePlan(plan, limits)).toEqual({ ok: true });
    expect(templateProblems(plan)).toEqual([]);
  }
  return plan;
}

describe('layout properties', () => {
  test.prop([snapshotArb, limitsArb], { numRuns: 400 })(
    'every plan is one the platform accepts',
    (s, limits) => {
      // The check below only sees the plans compose kept: it drops any plan validatePlan refuses
      // (null, with a reason saying so). So also check none was dropped that way.
      const plan = acceptedPlan(s, limits);
      if (!plan) return;
      expect(plan.inputs.length).toBeGreaterThanOrEqual(2);
      expect(plan.inputs.length).toBeLessThanOrEqual(MAX_INPUTS);
      // Layers: unique, dense from 1 (the background), within [1, 16].
      expect(plan.inputs.map((t) => t.layer)).toEqual(plan.inputs.map((_, i) => i + 1));
      for (const t of plan.inputs) expect(t.streamId).toMatch(STREAM_ID_PATTERN);
      // Rectangles: whole pixels, not empty, on the canvas. A canvas input is the background.
      expect(plan.inputs.filter((t) => t.rect && !onCanvas(t.rect, plan.canvas))).toEqual([]);
      expect(plan.inputs.filter((t) => t.inputType === INPUT_TYPES.canvas && t.layer !== 1)).toEqual([]);
      expect(plan.outputStreamId).toMatch(STREAM_ID_PATTERN);
    },
  );

  test.prop([templateRoomArb, limitsArb], { numRuns: 200 })(
    'a template plan has its template’s inputs, the canvas first when it needs one',
    (s, limits) => {
      acceptedPlan(s, limits);
    },
  );

  test.prop([snapshotArb, limitsArb], { numRuns: 400 })(
    'crops stay inside the snapshot’s source and fill the tile',
    (s, limits) => {
      const plan = layout(s, limits);
      if (!plan) return;
      for (const t of plan.inputs) {
        if (!t.crop) continue;
        const source = s.streams.find((x) => x.streamId === t.streamId);
        expect(source && source.width > 0 && source.height > 0).toBe(true);
        if (!source || !t.rect) throw new Error(`crop on ${t.streamId} without a source or a tile`);
        expect(t.source).toEqual({ width: source.width, height: source.height });
        const c = t.crop;
        for (const v of [c.x, c.y, c.width, c.height]) expect(Number.isInteger(v)).toBe(true);
        expect(c.x).toBeGreaterThanOrEqual(0);
        expect(c.y).toBeGreaterThanOrEqual(0);
        expect(c.x + c.width).toBeLessThanOrEqual(source.width);
        expect(c.y + c.height).toBeLessThanOrEqual(source.height);
        // The kept region has the tile's aspect, to within rounding of one source pixel.
        const slack = Math.max(t.rect.width, t.rect.height);
        expect(Math.abs(c.width * t.rect.height - c.height * t.rect.width)).toBeLessThanOrEqual(slack);
      }
    },
  );

  test.prop([snapshotArb, limitsArb], { numRuns: 400 })(
    'every mixable live stream is placed exactly once, up to capacity',
    (s, limits) => {
      const plan = layout(s, limits);
      const mixable = mixableOracle(s, limits);
      const main = mainOracle(s, mixable);
      const expectNone = mixable.length < 2 || (s.config.preset === 'pip' && !main);
      expect(plan === null).toBe(expectNone);
      if (!plan) return;

      const placed = streamInputs(plan).map((t) => t.streamId);
      expect(new Set(placed).size).toBe(placed.length);
      const mixableIds = mixable.map((x) => x.streamId);
      for (const id of placed) expect(mixableIds).toContain(id);
      const missing = mixable.filter((x) => !placed.includes(x.streamId));
      // Only a full mix leaves anyone out, and then the latest joiners (never the main).
      // The spotlit stream is kept like the main, whenever it joined.
      const spot = mixable.find((x) => x.streamId === s.config.spotlight && x.media !== 'audio');
      const lastPlaced = mixable
        .filter((x) => placed.includes(x.streamId) && x !== main && x !== spot)
        .at(-1);
      // An avatar tile costs two inputs (picture and voice), so a mix of 15 may be full for one.
      const avatars = s.config.audioOnly === 'tile' && (s.config.avatarPictureId ?? 0) > 0;
      const wronglyLeftOut = missing.filter(
        (x) =>
          plan.inputs.length < MAX_INPUTS - (avatars ? 1 : 0) ||
          x === main ||
          x === spot ||
          (lastPlaced !== undefined && byJoin(lastPlaced, x) > 0),
      );
      expect(wronglyLeftOut).toEqual([]);
      // Canvas and picture labels are no stream's name; audio-only streams never take a tile.
      const roomIds = s.streams.map((x) => x.streamId);
      const mediaOf = (t: Tile) => s.streams.find((x) => x.streamId === t.streamId)?.media;
      const labels = plan.inputs.filter((t) => t.role === 'canvas' || t.role === 'picture');
      expect(labels.filter((t) => roomIds.includes(t.streamId))).toEqual([]);
      // (With avatar tiles the voice carries the slot its picture holds.)
      const audio = plan.inputs.filter((t) => mediaOf(t) === 'audio');
      expect(
        audio.map(({ inputType, rect, slot }) => ({ inputType, rect, slot: avatars ? undefined : slot })),
      ).toEqual(audio.map(() => ({ inputType: INPUT_TYPES.audio, rect: undefined, slot: undefined })));
      const videoShown = plan.inputs.filter(
        (t) => mediaOf(t) === 'video' && t.inputType !== INPUT_TYPES.audio,
      );
      expect(videoShown.map((t) => t.inputType)).toEqual(videoShown.map(() => INPUT_TYPES.video));
      // Output: type 1 a new stream as configured; type 0 the main, or the earliest placed joiner.
      const newOutput = expectedNewOutput(s);
      const earliest = mixable.find((x) => placed.includes(x.streamId));
      expect(plan).toMatchObject(
        newOutput !== undefined
          ? { outputType: 1, outputStreamId: newOutput }
          : { outputType: 0, outputStreamId: (main ?? earliest)?.streamId },
      );
      // A bitrate within the platform's range is sent; any other is left to the platform.
      const bitrate = s.config.bitrate;
      expect(plan.bitrate).toBe(
        bitrate !== undefined && bitrate >= 1 && bitrate <= limits.maxBitrate ? bitrate : undefined,
      );
    },
  );

  test.prop([snapshotArb, limitsArb, fc.nat()], { numRuns: 200 })(
    'deterministic: the same room gives the same plan, whatever order its streams are listed in',
    (s, limits, seed) => {
      const shuffled = [...s.streams];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = (seed + i * 7919) % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j] as SnapshotStream, shuffled[i] as SnapshotStream];
      }
      const plan = layout(s, limits);
      expect(layout(structuredClone(s), limits)).toEqual(plan);
      expect(layout({ ...s, streams: shuffled }, limits)).toEqual(plan);
    },
  );

  test.prop([snapshotArb, limitsArb], { numRuns: 300 })(
    'remembering the slots a plan gave changes nothing',
    (s, limits) => {
      const plan = layout(s, limits);
      if (!plan) return;
      expect(layout(remember(s, plan), limits)).toEqual(plan);
    },
  );

  test.prop([snapshotArb, limitsArb, fc.nat()], { numRuns: 400 })(
    'sticky: a guest leaving never moves the others (unless the room compacts)',
    (s0, limits, pick) => {
      const s: RoomSnapshot = { ...s0, config: { ...s0.config, compact: false } };
      const p1 = layout(s, limits);
      if (!p1) return;
      const s1 = remember(s, p1);
      const guests = p1.inputs.filter((t) => t.slot !== undefined && t.role === 'guest' && t.slot > 0);
      const leaver = guests[pick % Math.max(1, guests.length)];
      if (!leaver) return;
      const after = { ...s1, streams: s1.streams.filter((x) => x.streamId !== leaver.streamId) };
      const p2 = layout(after, limits);
      if (!p2 || p2.preset !== p1.preset) return;
      const maxSlot = Math.max(...p1.inputs.map((t) => t.slot ?? -1));
      const stayed = p1.inputs.flatMap((before) => {
        const after = p2.inputs.find((t) => t.streamId === before.streamId);
        return after && before.slot !== undefined && before !== leaver ? [{ before, after }] : [];
      });
      expect(stayed.map(({ after }) => after.slot)).toEqual(stayed.map(({ before }) => before.slot));
      // The picture only rescales when the leaver held the highest slot, or when PiP's guest tiles
      // turn (they take the orientation most guests have, and the leaver may have tipped it).
      const landscape = (snapshot: RoomSnapshot) =>
        explain(snapshot, limits).some((line) => line.startsWith('pip: guest tiles are landscape'));
      const turned = p1.preset === 'pip' && landscape(s1) !== landscape(after);
      const rescales = leaver.slot === maxSlot || turned;
      expect(stayed.map(({ before, after }) => (rescales ? before.rect : after.rect))).toEqual(
        stayed.map(({ before }) => before.rect),
      );
    },
  );

  test.prop([snapshotArb, limitsArb], { numRuns: 200 })(
    'compact: tiles hold slots 0..n-1 in join order',
    (s0, limits) => {
      const s: RoomSnapshot = { ...s0, config: { ...s0.config, compact: true } };
      const plan = layout(s, limits);
      if (!plan) return;
      const tiles = plan.inputs.filter((t) => t.slot !== undefined);
      expect(tiles.map((t) => t.slot).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(tiles.map((_, i) => i));
    },
  );

  test.prop([fc.array(streamArb, { maxLength: 20 }), configArb, limitsArb], { numRuns: 200 })(
    'rooms with a stream listed twice still get a valid plan, each stream once',
    (streams, config, limits) => {
      expectNoRefusedPlan({ roomId: 'r1', config, streams }, limits);
      const plan = layout({ roomId: 'r1', config, streams }, limits);
      if (!plan) return;
      expect(validatePlan(plan, limits)).toEqual({ ok: true });
      const ids = plan.inputs.map((t) => t.streamId);
      expect(new Set(ids).size).toBe(ids.length);
    },
  );

  // The properties check each case only where it comes up (a rectangle, a crop, a full mix…): a
  // case the generator never reaches would be a check that cannot fail. A fixed sample shows each
  // comes up.
  test('the generated rooms reach every case the properties tell apart', () => {
    const rooms = fc.sample(snapshotArb, { numRuns: 400, seed: 17 });
    const plans = rooms.flatMap((s) => {
      const plan = layout(s, LIMITS.legacy);
      return plan ? [{ s, plan }] : [];
    });
    const count = (has: (room: { s: RoomSnapshot; plan: MixPlan }) => boolean) => plans.filter(has).length;
    const some = (plan: MixPlan, has: (t: Tile) => boolean) => plan.inputs.some(has);
    const mediaOf = (s: RoomSnapshot, t: Tile) => s.streams.find((x) => x.streamId === t.streamId)?.media;
    const reached = {
      'a plan': plans.length,
      'no plan': rooms.length - plans.length,
      'a rectangle': count(({ plan }) => some(plan, (t) => t.rect !== undefined)),
      'a canvas input': count(({ plan }) => some(plan, (t) => t.inputType === INPUT_TYPES.canvas)),
      'a picture': count(({ plan }) => some(plan, (t) => t.role === 'picture')),
      'a template plan': count(({ plan }) => plan.templateId !== 0),
      'a template on a canvas': fc
        .sample(templateRoomArb, { numRuns: 200, seed: 17 })
        .filter((s) => TEMPLATES[layout(s, LIMITS.legacy)?.templateId ?? 0]?.needsCanvas).length,
      'a crop': count(({ plan }) => some(plan, (t) => t.crop !== undefined)),
      'an audio-only stream': count(({ s, plan }) => some(plan, (t) => mediaOf(s, t) === 'audio')),
      'a video-only stream': count(({ s, plan }) => some(plan, (t) => mediaOf(s, t) === 'video')),
      'a full mix leaving a joiner out': count(
        ({ s, plan }) => mixableOracle(s, LIMITS.legacy).length > streamInputs(plan).length,
      ),
      'a new output stream': count(({ plan }) => plan.outputType === 1),
      'a bitrate sent': count(({ plan }) => plan.bitrate !== undefined),
      'a guest leaving below the highest slot': count(({ s, plan: p1 }) => {
        if (s.config.compact !== false) return false;
        const maxSlot = Math.max(...p1.inputs.map((t) => t.slot ?? -1));
        const leaver = p1.inputs.find((t) => t.role === 'guest' && (t.slot ?? 0) > 0 && t.slot !== maxSlot);
        const s1 = leaver && remember(s, p1);
        const p2 =
          s1 &&
          layout({ ...s1, streams: s1.streams.filter((x) => x.streamId !== leaver.streamId) }, LIMITS.legacy);
        return p2?.preset === p1.preset;
      }),
    };
    expect(Object.entries(reached).filter(([, n]) => n < 5)).toEqual([]);
  });
});
