import { INPUT_TYPES, type InputType, MAX_INPUTS, MIN_INPUTS, type MixLimits } from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
import { composeLayout } from './compose-layout.js';
import { type Frame, frameFor } from './frame.js';
import { byJoinOrder } from './join-order.js';
import { type MixableRoom, selectMixable } from './mixable.js';
import { type OutputTarget, resolveOutputTarget } from './output.js';
import type { FillMode, MixPlan, Preset, RoomSnapshot, Size, SnapshotStream, Tile } from './plan.js';
import { choosePreset, type PresetChoice } from './preset-choice.js';
import { assignSlots } from './slots.js';
import { formatSize, hasVideo } from './source-size.js';
import type { Stage } from './stage.js';
import { fitPicture, freeLabel, isPictureId, placeTile } from './tile-fit.js';
import { validatePlan } from './validate.js';

/**
 * The one computation behind `layout()` and `explain()`: the plan, and the reasons for it in
 * words, produced side by side so the explanation can never drift from what is sent. `limits`
 * are the mix API's in use: what it cannot take is left out or replaced, with a reason naming
 * the limit, and the plan is checked against them.
 */
export interface Composition {
  plan: MixPlan | null;
  reasons: string[];
}

/** What a preset or a layout template puts on air; the output and the checks are common. */
export interface Built {
  preset: Preset;
  templateId: number;
  canvas: Size;
  inputs: Tile[];
  /** The streams that are in the mix (not waiting): the output is chosen among them. */
  placed: SnapshotStream[];
}

export function compose(snapshot: RoomSnapshot, limits: MixLimits): Composition {
  const reasons: string[] = [];
  const none = (why: string): Composition => ({
    plan: null,
    reasons: [`room ${snapshot.roomId}: no mix: ${why}`, ...reasons],
  });

  const target = resolveOutputTarget(snapshot, reasons);
  const room = selectMixable(snapshot, target.type === 1 ? target.streamId : undefined, reasons, limits);
  if (room.streams.length < MIN_INPUTS) {
    return none(`${room.streams.length} mixable live stream(s), and a mix needs at least ${MIN_INPUTS}`);
  }
  let choice = choosePreset(snapshot.config, room, reasons, snapshot.layouts ?? {});
  if (choice.kind === 'none') return none(choice.why);
  // Canvas and picture labels avoid every name in the room, mixed or not, so one is never taken for a stream.
  const labels = new Set([
    ...snapshot.streams.map((s) => s.streamId),
    ...(target.type === 1 ? [target.streamId] : []),
  ]);
  const spotlight = spotlitStream(snapshot.config, room, reasons);

  let built: Built | undefined;
  if (choice.kind === 'layout') {
    const laid = composeLayout({
      config: snapshot.config,
      room,
      spotlight,
      labels,
      limits,
      reasons,
      ...choice,
    });
    if (laid.kind === 'full') {
      const { preset: _layout, ...rest } = snapshot.config;
      choice = choosePreset(laid.preset ? { ...rest, preset: laid.preset } : rest, room, reasons, {});
      if (choice.kind === 'none') return none(choice.why);
    } else {
      built = laid;
    }
  }
  if (!built) {
    if (choice.kind === 'layout') return none('a layout template fell back to another template');
    built = composePreset(snapshot, room, choice, spotlight, labels, limits, reasons);
  }

  const outputStreamId = outputStreamFor(target, room, built.placed, reasons);
  const plan: MixPlan = {
    preset: built.preset,
    templateId: built.templateId,
    outputStreamId,
    outputType: target.type,
    canvas: { ...built.canvas },
    inputs: built.inputs,
  };
  const bitrate = snapshot.config.bitrate;
  if (bitrate !== undefined) {
    const { minBitrate, maxBitrate } = limits;
    if (Number.isInteger(bitrate) && bitrate >= minBitrate && bitrate <= maxBitrate) plan.bitrate = bitrate;
    else
      reasons.push(
        `bitrate ${bitrate} is outside [${minBitrate}, ${maxBitrate}] kbps on ${limits.apiName}: left to the platform`,
      );
  }

  const check = validatePlan(plan, limits);
  if (!check.ok) return none(`the plan would be refused (${check.code}): ${check.message}`);
  const summary =
    `room ${snapshot.roomId}: ${plan.preset}, ${plan.inputs.length} inputs on ${formatSize(plan.canvas)}, ` +
    `output ${outputStreamId} (type ${plan.outputType})`;
  return { plan, reasons: [summary, ...reasons] };
}

/** A preset's (or Tencent template's) inputs: framed by `frameFor`, slots by `assignSlots`. */
function composePreset(
  snapshot: RoomSnapshot,
  room: MixableRoom,
  choice: Exclude<PresetChoice, { kind: 'none' } | { kind: 'layout' }>,
  spotlight: SnapshotStream | undefined,
  labels: Set<string>,
  limits: MixLimits,
  reasons: string[],
): Built {
  const { config } = snapshot;
  const frame = frameFor(choice, room, config, reasons, limits, spotlight);
  const avatar = avatarPicture(config, frame.soundOnly || !frame.positioned, reasons);
  const cost = (s: SnapshotStream) => (avatar !== undefined && !hasVideo(s) ? 2 : 1);
  const budget = MAX_INPUTS - (frame.canvas ? 1 : 0) - (frame.canvas?.pictureId !== undefined ? 1 : 0);
  const placed = fitCapacity(room, budget, cost, reasons, spotlight);

  const background = frame.backgroundStream;
  const sound = placed.filter((s) => s !== background && (frame.soundOnly || !hasVideo(s)));
  const takers = placed.filter(
    (s) => s !== background && !frame.soundOnly && (hasVideo(s) || avatar !== undefined),
  );
  const slots = assignSlots(takers, {
    capacity: budget - (background ? 1 : 0),
    compact: config.compact === true,
    ...(frame.pinned ? { pinned: frame.pinned.streamId } : {}),
  });
  noteSlotMoves(takers, slots, config.compact === true, reasons);
  const cells = takers.length === 0 ? 0 : Math.max(...slots.values()) + 1;
  const stage = frame.stage(cells);
  const inputs = stackInputs(
    {
      frame,
      stage,
      main: room.main,
      background,
      takers,
      sound,
      slots,
      labels,
      fill: config.fill ?? 'cover',
      avatar,
    },
    reasons,
  );
  return { preset: frame.preset, templateId: frame.templateId, canvas: stage.canvas, inputs, placed };
}

/** `config.avatarPictureId` when audio-only guests get tiles here, with the reason when they cannot. */
function avatarPicture(
  config: RoomSnapshot['config'],
  noTiles: boolean,
  reasons: string[],
): number | undefined {
  if (config.audioOnly !== 'tile') return undefined;
  if (!isPictureId(config.avatarPictureId)) {
    reasons.push(
      'audioOnly "tile" needs avatarPictureId, a watermark picture id: audio-only guests get no tile',
    );
    return undefined;
  }
  if (noTiles) return undefined;
  return config.avatarPictureId;
}

/** The stream `config.spotlight` names, when it is mixable and has a picture; else why not. */
function spotlitStream(
  config: RoomSnapshot['config'],
  room: MixableRoom,
  reasons: string[],
): SnapshotStream | undefined {
  const id = config.spotlight;
  if (id === undefined) return undefined;
  const s = room.streams.find((x) => x.streamId === id);
  if (s && hasVideo(s)) return s;
  reasons.push(
    `spotlight ${JSON.stringify(id)} ignored: ${s ? 'it is audio-only' : 'it is not a mixable live stream'}`,
  );
  return undefined;
}

interface Stack {
  frame: Frame;
  stage: Stage;
  main: SnapshotStream | undefined;
  background: SnapshotStream | undefined;
  /** Streams with a picture, each holding a slot. */
  takers: SnapshotStream[];
  /** Streams mixed as sound only, in join order. */
  sound: SnapshotStream[];
  slots: Map<string, number>;
  /** Names already used in the room; canvas and picture labels avoid them. */
  labels: Set<string>;
  fill: FillMode;
  /** Audio-only takers get a tile showing this picture. */
  avatar: number | undefined;
}

/** The inputs bottom to top: canvas (and picture) or the background stream, tiles by slot, then sound. */
function stackInputs(st: Stack, reasons: string[]): Tile[] {
  const inputs: Tile[] = [];
  const role = (s: SnapshotStream) => (s === st.main ? 'main' : 'guest');
  const canvas = st.frame.canvas;
  if (canvas) {
    const full: Rect = { x: 0, y: 0, ...st.stage.canvas };
    inputs.push({
      streamId: freeLabel('mk_canvas', st.labels),
      layer: inputs.length + 1,
      inputType: INPUT_TYPES.canvas,
      role: 'canvas',
      rect: full,
      color: canvas.color,
    });
    if (canvas.pictureId !== undefined) {
      inputs.push({
        streamId: freeLabel('mk_picture', st.labels),
        layer: inputs.length + 1,
        inputType: INPUT_TYPES.picture,
        role: 'picture',
        rect: { ...full },
        pictureId: canvas.pictureId,
      });
    }
  }
  if (st.background) {
    inputs.push({
      streamId: st.background.streamId,
      layer: inputs.length + 1,
      inputType: videoInputType(st.background),
      role: role(st.background),
    });
  }
  const slotOf = (s: SnapshotStream) => st.slots.get(s.streamId) ?? 0;
  const unknown: string[] = [];
  for (const s of [...st.takers].sort((a, b) => slotOf(a) - slotOf(b))) {
    const slot = slotOf(s);
    const rect = st.frame.positioned ? st.stage.cells[slot] : undefined;
    if (!hasVideo(s)) {
      // An avatar tile: the picture holds the place, the sound is mixed below with the slot.
      if (rect && st.avatar !== undefined) {
        inputs.push({
          streamId: freeLabel(`mk_avatar_${s.streamId}`, st.labels),
          layer: inputs.length + 1,
          inputType: INPUT_TYPES.picture,
          role: 'picture',
          rect,
          pictureId: st.avatar,
        });
        reasons.push(
          `${s.streamId} is audio-only: its voice is mixed, and picture ${st.avatar} holds its tile`,
        );
      }
      continue;
    }
    const tile: Tile = {
      streamId: s.streamId,
      layer: inputs.length + 1,
      inputType: videoInputType(s),
      role: role(s),
      slot,
    };
    if (rect) {
      const fitted = fitPicture(s, rect, st.fill, reasons);
      placeTile(tile, fitted);
      if (fitted.unknown) unknown.push(s.streamId);
    }
    if (s.media === 'video') reasons.push(`${s.streamId} pushes video only: mixed as picture (input_type 5)`);
    inputs.push(tile);
  }
  if (unknown.length > 0) {
    reasons.push(`not cropped, resolution not known yet (the platform may letterbox): ${unknown.join(', ')}`);
  }
  for (const s of st.sound) {
    const slot = st.slots.get(s.streamId);
    inputs.push({
      streamId: s.streamId,
      layer: inputs.length + 1,
      inputType: INPUT_TYPES.audio,
      role: role(s),
      ...(slot !== undefined ? { slot } : {}),
    });
    if (slot !== undefined) continue;
    if (!st.frame.soundOnly) {
      reasons.push(
        `${s.streamId} is audio-only (its push has no picture): mixed as sound (input_type 4), no tile`,
      );
    } else if (s.media === 'video') {
      reasons.push(`${s.streamId} pushes video only: in a voice room it adds nothing audible`);
    }
  }
  return inputs;
}

/** Type 1: the configured new stream. Type 0: the main's stream, else the earliest joiner's. */
export function outputStreamFor(
  target: OutputTarget,
  room: MixableRoom,
  placed: SnapshotStream[],
  reasons: string[],
): string {
  if (target.type === 1) {
    reasons.push(`output: type 1, a new stream ${target.streamId}`);
    return target.streamId;
  }
  const main = room.main && placed.includes(room.main) ? room.main : undefined;
  // At least two streams are placed by now, so there is always an earliest one.
  const id = (main ?? placed[0])?.streamId ?? '';
  const whose = main ? 'the main' : 'the earliest joiner, as no main is live';
  reasons.push(`output: type 0, the mix replaces ${id}'s stream (${whose})`);
  return id;
}

/**
 * Keeps the main, the spotlit stream and the earliest joiners within `budget` inputs (an avatar tile costs two: the
 * picture and the voice); the rest wait for a free place.
 */
export function fitCapacity(
  room: MixableRoom,
  budget: number,
  cost: (s: SnapshotStream) => number,
  reasons: string[],
  spotlight?: SnapshotStream,
): SnapshotStream[] {
  const total = room.streams.reduce((n, s) => n + cost(s), 0);
  if (total <= budget) return room.streams;
  const kept: SnapshotStream[] = [];
  let used = 0;
  // The first joiner that does not fit closes the mix: later joiners never jump the queue.
  let full = false;
  const keep = (s: SnapshotStream) => {
    full ||= used + cost(s) > budget;
    if (full) return;
    kept.push(s);
    used += cost(s);
  };
  if (room.main) keep(room.main);
  if (spotlight && spotlight !== room.main) keep(spotlight);
  for (const s of room.streams) if (s !== room.main && s !== spotlight) keep(s);
  for (const s of room.streams) {
    if (!kept.includes(s)) {
      reasons.push(
        `${s.streamId} dropped: the mix is full (${MAX_INPUTS} inputs, canvas included), and the latest joiners wait`,
      );
    }
  }
  return kept.sort(byJoinOrder);
}

function noteSlotMoves(
  takers: SnapshotStream[],
  slots: Map<string, number>,
  compact: boolean,
  reasons: string[],
) {
  for (const s of takers) {
    const now = slots.get(s.streamId);
    if (s.slot === undefined || now === undefined || now === s.slot) continue;
    reasons.push(`${s.streamId} moves from slot ${s.slot} to ${now}${compact ? ' (the room compacts)' : ''}`);
  }
}

export function videoInputType(s: SnapshotStream): InputType {
  return s.media === 'video' ? INPUT_TYPES.video : INPUT_TYPES.av;
}
