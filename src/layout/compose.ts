import { INPUT_TYPES, type InputType, MAX_INPUTS, MIN_INPUTS, type MixLimits } from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
import { coverCrop } from './cover-fit.js';
import { type Frame, frameFor } from './frame.js';
import { byJoinOrder } from './join-order.js';
import { type MixableRoom, selectMixable } from './mixable.js';
import { type OutputTarget, resolveOutputTarget } from './output.js';
import type { MixPlan, RoomSnapshot, SnapshotStream, Tile } from './plan.js';
import { choosePreset } from './preset-choice.js';
import { assignSlots } from './slots.js';
import { formatSize, hasVideo, knownSize } from './source-size.js';
import type { Stage } from './stage.js';
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
  const choice = choosePreset(snapshot.config, room, reasons);
  if (choice.kind === 'none') return none(choice.why);
  const frame = frameFor(choice, room, snapshot.config, reasons, limits);

  const maxStreams = MAX_INPUTS - (frame.canvas ? 1 : 0) - (frame.canvas?.pictureId !== undefined ? 1 : 0);
  const placed = fitCapacity(room, maxStreams, reasons);

  const background = frame.backgroundStream;
  const sound = placed.filter((s) => s !== background && (frame.soundOnly || !hasVideo(s)));
  const takers = placed.filter((s) => s !== background && !sound.includes(s));
  const slots = assignSlots(takers, {
    capacity: maxStreams - (background ? 1 : 0),
    compact: snapshot.config.compact === true,
    ...(frame.pinned ? { pinned: frame.pinned.streamId } : {}),
  });
  noteSlotMoves(takers, slots, snapshot.config.compact === true, reasons);
  const cells = takers.length === 0 ? 0 : Math.max(...slots.values()) + 1;
  const stage = frame.stage(cells);

  // Labels avoid every name in the room, mixed or not, so a canvas is never mistaken for a stream.
  const labels = new Set([
    ...snapshot.streams.map((s) => s.streamId),
    ...(target.type === 1 ? [target.streamId] : []),
  ]);
  const inputs = stackInputs(
    { frame, stage, main: room.main, background, takers, sound, slots, labels },
    reasons,
  );
  const outputStreamId = outputStreamFor(target, room, placed, reasons);

  const plan: MixPlan = {
    preset: frame.preset,
    templateId: frame.templateId,
    outputStreamId,
    outputType: target.type,
    canvas: { ...stage.canvas },
    inputs,
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
    `room ${snapshot.roomId}: ${plan.preset}, ${inputs.length} inputs on ${formatSize(plan.canvas)}, ` +
    `output ${outputStreamId} (type ${plan.outputType})`;
  return { plan, reasons: [summary, ...reasons] };
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
    const tile: Tile = {
      streamId: s.streamId,
      layer: inputs.length + 1,
      inputType: videoInputType(s),
      role: role(s),
      slot,
    };
    const rect = st.frame.positioned ? st.stage.cells[slot] : undefined;
    if (rect) {
      tile.rect = rect;
      const source = knownSize(s);
      const crop = source ? coverCrop(source, rect) : undefined;
      if (source && crop) {
        tile.crop = crop;
        tile.source = source;
        reasons.push(
          `${s.streamId} cropped to fill its ${formatSize(rect)} tile without black bars: ` +
            `keeps ${formatSize(crop)} at (${crop.x}, ${crop.y}) of its ${formatSize(source)} picture`,
        );
      } else if (!source) {
        unknown.push(s.streamId);
      }
    }
    if (s.media === 'video') reasons.push(`${s.streamId} pushes video only: mixed as picture (input_type 5)`);
    inputs.push(tile);
  }
  if (unknown.length > 0) {
    reasons.push(`not cropped, resolution not known yet (the platform may letterbox): ${unknown.join(', ')}`);
  }
  for (const s of st.sound) {
    inputs.push({
      streamId: s.streamId,
      layer: inputs.length + 1,
      inputType: INPUT_TYPES.audio,
      role: role(s),
    });
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
function outputStreamFor(
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

/** Keeps the main and the earliest joiners; the rest wait for a free place. */
function fitCapacity(room: MixableRoom, maxStreams: number, reasons: string[]): SnapshotStream[] {
  if (room.streams.length <= maxStreams) return room.streams;
  const kept = room.main ? [room.main] : [];
  for (const s of room.streams) if (kept.length < maxStreams && s !== room.main) kept.push(s);
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

function videoInputType(s: SnapshotStream): InputType {
  return s.media === 'video' ? INPUT_TYPES.video : INPUT_TYPES.av;
}

/** Canvas and picture inputs need a name of their own that no stream or the output uses. */
function freeLabel(base: string, taken: Set<string>): string {
  let label = base;
  for (let i = 1; taken.has(label); i++) label = `${base}_${i}`;
  taken.add(label);
  return label;
}
