import { COLOR_PATTERN, type MixLimits } from '../tencent/limits.js';
import { AUDIO_DEFAULT_CANVAS, audioStage } from './audio.js';
import { GRID_DEFAULT_CANVAS, gridStage } from './grid.js';
import { featuredStream, type MixableRoom } from './mixable.js';
import { PIP_ASSUMED_MAIN, pipStage } from './pip.js';
import { PK_DEFAULT_CANVAS, pkStage } from './pk.js';
import type { Preset, RoomConfig, Size, SnapshotStream } from './plan.js';
import { type PresetChoice, pipProblem } from './preset-choice.js';
import { formatSize, hasVideo, knownSize } from './source-size.js';
import { SPEAKER_DEFAULT_CANVAS, speakerStage } from './speaker.js';
import { isUsableCanvas, MIN_CANVAS_SIDE, type Stage } from './stage.js';
import { templateDefaultCanvas } from './template.js';

/**
 * How each preset frames a room: what is layer 1 (a canvas, or a stream full-frame), whether
 * tiles get rectangles and from which geometry, and who is pinned to slot 0. The room's canvas,
 * colour and picture settings are checked here, and an unusable one is replaced with a reason.
 */

const DEFAULT_COLOR = '0x000000';
const MAX_PICTURE_ID = 2 ** 31 - 1;

export interface Frame {
  preset: Preset;
  templateId: number;
  /** A stream drawn full-frame as layer 1 (PiP's main, a template's background). */
  backgroundStream: SnapshotStream | undefined;
  /** Layer 1 is a canvas (plus, optionally, a picture over it as layer 2). */
  canvas: { color: string; pictureId?: number } | undefined;
  /** Voice room: every stream is mixed as sound. */
  soundOnly: boolean;
  /** This stream holds slot 0 (speaker's large tile, pk's first place). */
  pinned: SnapshotStream | undefined;
  /** false: the platform's template places the pictures; the plan carries no rectangles. */
  positioned: boolean;
  stage(cells: number): Stage;
}

export function frameFor(
  choice: Exclude<PresetChoice, { kind: 'none' } | { kind: 'layout' }>,
  room: MixableRoom,
  config: RoomConfig,
  reasons: string[],
  limits: MixLimits,
  spotlight?: SnapshotStream,
): Frame {
  const spot = (where: string) => {
    if (spotlight) reasons.push(`spotlight: ${spotlight.streamId} takes ${where}`);
    return spotlight;
  };
  const base = {
    templateId: 0,
    backgroundStream: undefined,
    soundOnly: false,
    pinned: undefined,
    positioned: true,
  };
  if (choice.kind === 'template') {
    const featured = featuredStream(room);
    if (choice.needsCanvas) {
      if (config.background?.pictureId !== undefined) {
        reasons.push(
          `background picture ignored: template ${choice.id} counts its inputs, and it has no room for one`,
        );
      }
      const canvas = canvasSize(config, templateDefaultCanvas(choice.id), reasons, limits);
      return {
        ...base,
        preset: `template:${choice.id}`,
        templateId: choice.id,
        canvas: { color: canvasColor(config, reasons) },
        positioned: false,
        stage: () => ({ canvas, cells: [] }),
      };
    }
    const lead = spot(`template ${choice.id}'s background`) ?? featured;
    ignoreBackground(config, `template ${choice.id}'s background is ${lead?.streamId}`, reasons);
    const canvas = (lead && knownSize(lead)) ?? PIP_ASSUMED_MAIN;
    return {
      ...base,
      preset: `template:${choice.id}`,
      templateId: choice.id,
      backgroundStream: lead,
      canvas: undefined,
      positioned: false,
      stage: () => ({ canvas, cells: [] }),
    };
  }
  switch (choice.preset) {
    case 'pip': {
      // choosePreset only picks pip with a live main that has a picture.
      const unfit = spotlight ? pipProblem(spotlight) : undefined;
      if (spotlight && unfit) reasons.push(`spotlight ${spotlight.streamId} ignored: it ${unfit}`);
      const lead = (spotlight && !unfit ? spot('the background') : undefined) ?? room.main;
      const who = lead === room.main ? 'main' : 'spotlit';
      ignoreBackground(config, `pip's background is ${who} ${lead?.streamId}`, reasons);
      if (config.canvas !== undefined)
        reasons.push("config.canvas ignored: pip's picture is the background stream's own size");
      let size = lead ? knownSize(lead) : undefined;
      if (!size) {
        size = PIP_ASSUMED_MAIN;
        reasons.push(
          `${who} ${lead?.streamId}'s resolution is not known yet: planning on ${formatSize(size)}`,
        );
      }
      const mainSize = size;
      const orientation = guestOrientation(config, room, lead, reasons);
      return {
        ...base,
        preset: 'pip',
        backgroundStream: lead,
        canvas: undefined,
        stage: (cells) => pipStage(mainSize, cells, orientation),
      };
    }
    case 'pk': {
      const canvas = canvasSize(config, PK_DEFAULT_CANVAS, reasons, limits);
      // MLVB's PK puts the main host on the left (or on top), whoever joined first.
      const main = room.main && hasVideo(room.main) ? room.main : undefined;
      const pinned = spot('the first place') ?? main;
      if (pinned && pinned === main) reasons.push(`pk: main ${pinned.streamId} takes the first place`);
      return {
        ...base,
        preset: 'pk',
        canvas: canvasInput(config, reasons),
        pinned,
        stage: (cells) => pkStage(canvas, cells),
      };
    }
    case 'grid': {
      const canvas = canvasSize(config, GRID_DEFAULT_CANVAS, reasons, limits);
      return {
        ...base,
        preset: 'grid',
        canvas: canvasInput(config, reasons),
        pinned: spot('the first tile'),
        stage: (cells) => gridStage(canvas, cells),
      };
    }
    case 'speaker': {
      const canvas = canvasSize(config, SPEAKER_DEFAULT_CANVAS, reasons, limits);
      const spotlit = spot('the large tile');
      const pinned = spotlit ?? featuredStream(room);
      if (pinned && !spotlit)
        reasons.push(
          `speaker: ${pinned.streamId} takes the large tile (${room.main === pinned ? 'the main' : 'the earliest joiner with a picture'})`,
        );
      return {
        ...base,
        preset: 'speaker',
        canvas: canvasInput(config, reasons),
        pinned,
        stage: (cells) => speakerStage(canvas, cells),
      };
    }
    case 'audio': {
      const canvas = canvasSize(config, AUDIO_DEFAULT_CANVAS, reasons, limits);
      reasons.push(
        `voice room: every stream is mixed as sound only (input_type 4) over a ${formatSize(canvas)} canvas`,
      );
      return {
        ...base,
        preset: 'audio',
        canvas: canvasInput(config, reasons),
        soundOnly: true,
        stage: () => audioStage(canvas),
      };
    }
  }
}

/**
 * PiP guest tiles take the guests' orientation (landscape when most guests of known size are
 * landscape), unless the room says which: a landscape guest in a portrait tile keeps a third of
 * its picture.
 */
function guestOrientation(
  config: RoomConfig,
  room: MixableRoom,
  lead: SnapshotStream | undefined,
  reasons: string[],
): 'portrait' | 'landscape' {
  const asked = config.tileOrientation ?? 'source';
  if (asked !== 'source') {
    if (asked === 'landscape') reasons.push('pip: guest tiles are landscape, as the room says');
    return asked === 'landscape' ? 'landscape' : 'portrait';
  }
  let wide = 0;
  let tall = 0;
  for (const s of room.streams) {
    const size = s !== lead && hasVideo(s) ? knownSize(s) : undefined;
    if (!size) continue;
    if (size.width > size.height) wide++;
    else tall++;
  }
  if (wide > tall) {
    reasons.push(`pip: guest tiles are landscape, as ${wide} of ${wide + tall} guest pictures are`);
    return 'landscape';
  }
  return 'portrait';
}

function canvasSize(config: RoomConfig, fallback: Size, reasons: string[], limits: MixLimits): Size {
  const wanted = config.canvas;
  if (wanted === undefined) return { ...fallback };
  if (isUsableCanvas(wanted, limits)) return { width: wanted.width, height: wanted.height };
  reasons.push(
    `config.canvas ${formatSize(wanted)} is not whole pixels within [${MIN_CANVAS_SIDE}, ${limits.maxPixels}] a side on ${limits.apiName}: ` +
      `using ${formatSize(fallback)}`,
  );
  return { ...fallback };
}

function canvasColor(config: RoomConfig, reasons: string[]): string {
  const color = config.background?.color;
  if (color === undefined) return DEFAULT_COLOR;
  if (COLOR_PATTERN.test(color)) return color;
  reasons.push(`background colour ${JSON.stringify(color)} is not 0xRRGGBB: using black`);
  return DEFAULT_COLOR;
}

function canvasInput(config: RoomConfig, reasons: string[]): { color: string; pictureId?: number } {
  const color = canvasColor(config, reasons);
  const pictureId = config.background?.pictureId;
  if (pictureId === undefined) return { color };
  if (Number.isInteger(pictureId) && pictureId > 0 && pictureId <= MAX_PICTURE_ID) {
    reasons.push(`background: watermark picture ${pictureId} over the canvas, layer 2`);
    return { color, pictureId };
  }
  reasons.push(`background picture id ${pictureId} is not a positive 32-bit integer: ignored`);
  return { color };
}

function ignoreBackground(config: RoomConfig, because: string, reasons: string[]) {
  const bg = config.background;
  if (bg && (bg.color !== undefined || bg.pictureId !== undefined)) {
    reasons.push(`config.background ignored: ${because}`);
  }
}
