import { type LayoutTemplate, parseLayoutPreset } from './layout-template.js';
import type { MixableRoom } from './mixable.js';
import { featuredStream } from './mixable.js';
import { type BasePreset, PRESETS, type RoomConfig, type SnapshotStream } from './plan.js';
import { formatSize, hasVideo, knownSize } from './source-size.js';
import { parseTemplatePreset, templateSpec } from './template.js';

/** Which layout the room gets, or why it gets none. */
export type PresetChoice =
  | { kind: 'none'; why: string }
  | { kind: 'base'; preset: BasePreset }
  | { kind: 'template'; id: number; needsCanvas: boolean }
  | { kind: 'layout'; name: string; template: LayoutTemplate };

/** Below this a main cannot carry 15 guest tiles of at least a pixel; such a main is broken anyway. */
export const PIP_MIN_MAIN_SIDE = 16;

/**
 * The configured preset when it can work, else the room's default (`pip` when a main is live,
 * else `grid`), with the reason in words. Only an explicit `pip` without a live main means
 * "no mix": its output is the main's stream, so the mix waits for the main to come back.
 */
export function choosePreset(
  config: RoomConfig,
  room: MixableRoom,
  reasons: string[],
  layouts: Readonly<Record<string, LayoutTemplate>>,
): PresetChoice {
  const requested: string | undefined = config.preset;
  if (requested === undefined) return defaultPreset(room, reasons, 'the default');
  const name = parseLayoutPreset(requested);
  if (name !== undefined) {
    const template = Object.hasOwn(layouts, name) ? layouts[name] : undefined;
    if (!template)
      return defaultPreset(room, reasons, `layout template ${JSON.stringify(name)} is not defined`);
    return { kind: 'layout', name, template };
  }
  if (requested === 'pip') {
    if (!room.main) {
      return {
        kind: 'none',
        why: "preset pip needs its main live: the mix's picture is the main's, so it waits for the main",
      };
    }
    const problem = pipProblem(room.main);
    if (problem) {
      reasons.push(`preset grid instead of pip: main ${room.main.streamId} ${problem}`);
      return { kind: 'base', preset: 'grid' };
    }
    reasons.push(`preset pip: configured; main ${room.main.streamId} is the background`);
    return { kind: 'base', preset: 'pip' };
  }
  if (isBasePreset(requested)) {
    reasons.push(`preset ${requested}: configured`);
    return { kind: 'base', preset: requested };
  }
  const id = parseTemplatePreset(requested);
  if (id === undefined) return defaultPreset(room, reasons, `${JSON.stringify(requested)} is not a preset`);
  const spec = templateSpec(id);
  if (!spec) return defaultPreset(room, reasons, `template ${id} is not one of Tencent's template ids`);
  const count = room.streams.length + (spec.needsCanvas ? 1 : 0);
  if (count !== spec.inputs) {
    const canvasNote = spec.needsCanvas ? ', its canvas included' : '';
    return defaultPreset(
      room,
      reasons,
      `template ${id} lays out exactly ${spec.inputs} inputs${canvasNote}, but this room has ${count}`,
    );
  }
  if (!spec.needsCanvas && !featuredStream(room)) {
    return defaultPreset(
      room,
      reasons,
      `template ${id} needs a picture as its background, and every stream is audio-only`,
    );
  }
  reasons.push(
    `preset template:${id}: configured; Tencent places its ${spec.inputs} inputs by layer` +
      (spec.needsCanvas ? ', a canvas at layer 1' : ''),
  );
  return { kind: 'template', id, needsCanvas: spec.needsCanvas };
}

function isBasePreset(p: string): p is BasePreset {
  return (PRESETS as readonly string[]).includes(p);
}

/** Why this main cannot be a PiP background, or undefined when it can. */
export function pipProblem(main: SnapshotStream): string | undefined {
  if (!hasVideo(main)) return 'pushes audio only, so it cannot be the picture';
  const size = knownSize(main);
  if (size && (size.width < PIP_MIN_MAIN_SIDE || size.height < PIP_MIN_MAIN_SIDE)) {
    return `is only ${formatSize(size)}, too small to carry guest tiles`;
  }
  return undefined;
}

function defaultPreset(room: MixableRoom, reasons: string[], why: string): PresetChoice {
  const main = room.main;
  if (!main) {
    reasons.push(`preset grid: ${why}, and no main is live`);
    return { kind: 'base', preset: 'grid' };
  }
  const problem = pipProblem(main);
  if (problem) {
    reasons.push(`preset grid: ${why}; main ${main.streamId} is live but ${problem}`);
    return { kind: 'base', preset: 'grid' };
  }
  reasons.push(`preset pip: ${why}, and main ${main.streamId} is live`);
  return { kind: 'base', preset: 'pip' };
}
