import { INPUT_TYPES, MAX_INPUTS, type MixLimits } from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
import type { Built } from './compose.js';
import type { LayoutTemplate } from './layout-template.js';
import { slotLabel, slotZ } from './layout-template.js';
import type { MixableRoom } from './mixable.js';
import { PIP_ASSUMED_MAIN } from './pip.js';
import type { BasePreset, RoomConfig, Size, SnapshotStream, Tile } from './plan.js';
import { formatSize, hasVideo, knownSize } from './source-size.js';
import { checkTemplate } from './template-check.js';
import { rectOnCanvas } from './template-geometry.js';
import { fillTemplateSlots } from './template-slots.js';
import { fitPicture, freeLabel, isPictureId, placeTile } from './tile-fit.js';

/**
 * A room laid out by a layout template: the canvas (and background picture) at the bottom, then
 * the slots by z, each holding its stream, an avatar picture, its placeholder or nothing, then the
 * overlays above every tile, then the voices. Who sits where is `fillTemplateSlots`'s (sticky).
 * A room with more people than slots lets the latest joiners wait, or asks for the template's
 * fallback preset (`full`); a template the mix API in use could not send asks for the default.
 */
export type LaidOut = ({ kind: 'built' } & Built) | { kind: 'full'; preset: BasePreset | undefined };

export interface LayoutInput {
  name: string;
  template: LayoutTemplate;
  config: RoomConfig;
  room: MixableRoom;
  spotlight: SnapshotStream | undefined;
  labels: Set<string>;
  limits: MixLimits;
  reasons: string[];
}

const DEFAULT_COLOR = '0x000000';

export function composeLayout(input: LayoutInput): LaidOut {
  const { name, template, config, room, spotlight, labels, limits, reasons } = input;
  const problems = checkTemplate(template, limits);
  if (problems.length) {
    reasons.push(
      `layout ${name} cannot be sent on ${limits.apiName} (${problems[0]?.message}): the default preset instead`,
    );
    return { kind: 'full', preset: undefined };
  }
  const canvas = canvasOf(template, room, reasons);
  const rects = template.slots.map((slot) => rectOnCanvas(slot.rect, canvas));
  const avatar =
    config.audioOnly === 'tile' && isPictureId(config.avatarPictureId) ? config.avatarPictureId : undefined;
  if (config.audioOnly === 'tile' && avatar === undefined) {
    reasons.push(
      'audioOnly "tile" needs avatarPictureId, a watermark picture id: audio-only guests get no tile',
    );
  }
  const takers = room.streams.filter((s) => hasVideo(s) || avatar !== undefined);
  const fill = fillTemplateSlots(template.slots, rects, takers, {
    main: room.main,
    spotlight,
    compact: config.compact === true,
  });
  const whenFull = template.whenFull ?? 'wait';
  if (fill.waiting.length && whenFull !== 'wait') {
    reasons.push(
      `layout ${name} is full (${template.slots.length} slots, ${takers.length} people with a tile): ` +
        `its fallback, preset ${whenFull.preset}`,
    );
    return { kind: 'full', preset: whenFull.preset };
  }
  reasons.push(`layout ${name}: configured; ${template.slots.length} slots on ${formatSize(canvas)}`);
  if (spotlight && fill.slots.has(spotlight.streamId)) {
    const at = fill.slots.get(spotlight.streamId) ?? 0;
    reasons.push(`spotlight: ${spotlight.streamId} takes the largest slot, ${slotLabel(template.slots, at)}`);
  }
  for (const s of fill.waiting) {
    reasons.push(
      `${s.streamId} waits: layout ${name} has no free slot that takes a ${s === room.main ? 'main' : 'guest'}`,
    );
  }

  // The voices of audio-only streams (with or without an avatar) fit in what the tiles leave.
  const fixed =
    1 +
    (isPictureId(template.background?.pictureId) ? 1 : 0) +
    template.slots.filter((slot, i) => [...fill.slots.values()].includes(i) || slot.placeholder).length +
    (template.overlays?.length ?? 0);
  let spare = MAX_INPUTS - fixed;
  const voices: SnapshotStream[] = [];
  const slotOf = new Map(fill.slots);
  for (const s of room.streams) {
    if (hasVideo(s) || fill.waiting.includes(s)) continue;
    if (spare > 0) {
      voices.push(s);
      spare--;
    } else {
      slotOf.delete(s.streamId);
      reasons.push(
        `${s.streamId} dropped: the mix is full (${MAX_INPUTS} inputs, canvas included), and the latest joiners wait`,
      );
    }
  }

  const inputs: Tile[] = [];
  const push = (tile: Omit<Tile, 'layer'>) => inputs.push({ ...tile, layer: inputs.length + 1 } as Tile);
  const full: Rect = { x: 0, y: 0, ...canvas };
  push({
    streamId: freeLabel('mk_canvas', labels),
    inputType: INPUT_TYPES.canvas,
    role: 'canvas',
    rect: full,
    color: template.background?.color ?? DEFAULT_COLOR,
  });
  if (isPictureId(template.background?.pictureId)) {
    push({
      streamId: freeLabel('mk_picture', labels),
      inputType: INPUT_TYPES.picture,
      role: 'picture',
      rect: { ...full },
      pictureId: template.background.pictureId,
    });
  }
  const holder = new Map<number, SnapshotStream>();
  for (const s of room.streams) {
    const i = slotOf.get(s.streamId);
    if (i !== undefined) holder.set(i, s);
  }
  const byZ = template.slots
    .map((slot, i) => ({ slot, i }))
    .sort((a, b) => slotZ(a.slot, a.i) - slotZ(b.slot, b.i));
  const unknown: string[] = [];
  for (const { slot, i } of byZ) {
    const rect = rects[i];
    if (!rect) continue;
    const s = holder.get(i);
    if (s && hasVideo(s)) {
      const tile: Tile = {
        streamId: s.streamId,
        layer: 0,
        inputType: s.media === 'video' ? INPUT_TYPES.video : INPUT_TYPES.av,
        role: s === room.main ? 'main' : 'guest',
        slot: i,
      };
      const fitted = fitPicture(s, rect, slot.fill ?? config.fill ?? 'cover', reasons);
      if (fitted.unknown) unknown.push(s.streamId);
      push(placeTile(tile, fitted));
    } else if (s && avatar !== undefined) {
      push({
        streamId: freeLabel(`mk_avatar_${s.streamId}`, labels),
        inputType: INPUT_TYPES.picture,
        role: 'picture',
        rect,
        pictureId: avatar,
      });
      reasons.push(
        `${s.streamId} is audio-only: its voice is mixed, and picture ${avatar} holds ${slotLabel(template.slots, i)}`,
      );
    } else if (slot.placeholder) {
      const label = freeLabel(`mk_slot${i}`, labels);
      if ('pictureId' in slot.placeholder) {
        push({
          streamId: label,
          inputType: INPUT_TYPES.picture,
          role: 'picture',
          rect,
          pictureId: slot.placeholder.pictureId,
        });
        reasons.push(
          `${slotLabel(template.slots, i)} is empty: placeholder picture ${slot.placeholder.pictureId}`,
        );
      } else {
        push({
          streamId: label,
          inputType: INPUT_TYPES.canvas,
          role: 'canvas',
          rect,
          color: slot.placeholder.color,
        });
        reasons.push(
          `${slotLabel(template.slots, i)} is empty: placeholder colour ${slot.placeholder.color}`,
        );
      }
    }
  }
  if (unknown.length > 0) {
    reasons.push(`not cropped, resolution not known yet (the platform may letterbox): ${unknown.join(', ')}`);
  }
  for (const [i, overlay] of (template.overlays ?? []).entries()) {
    push({
      streamId: freeLabel(`mk_overlay${i}`, labels),
      inputType: INPUT_TYPES.picture,
      role: 'picture',
      rect: rectOnCanvas(overlay.rect, canvas),
      pictureId: overlay.pictureId,
    });
  }
  for (const s of voices) {
    const slot = slotOf.get(s.streamId);
    push({
      streamId: s.streamId,
      inputType: INPUT_TYPES.audio,
      role: s === room.main ? 'main' : 'guest',
      ...(slot !== undefined ? { slot } : {}),
    });
    if (slot === undefined) {
      reasons.push(
        `${s.streamId} is audio-only (its push has no picture): mixed as sound (input_type 4), no tile`,
      );
    }
  }
  const placed = room.streams.filter((s) => (hasVideo(s) && slotOf.has(s.streamId)) || voices.includes(s));
  return { kind: 'built', preset: `layout:${name}`, templateId: 0, canvas, inputs, placed };
}

/** The template's canvas, or the main's size (the first stream with a picture without a main). */
function canvasOf(template: LayoutTemplate, room: MixableRoom, reasons: string[]): Size {
  if (template.canvas !== 'main') return { ...template.canvas };
  const lead = room.main && hasVideo(room.main) ? room.main : room.streams.find(hasVideo);
  const size = lead ? knownSize(lead) : undefined;
  if (size) return size;
  reasons.push(`the canvas is the main's size, not known yet: planning on ${formatSize(PIP_ASSUMED_MAIN)}`);
  return { ...PIP_ASSUMED_MAIN };
}
