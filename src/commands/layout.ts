import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { compose } from '../layout/compose.js';
import { LAYOUT_NAME_PATTERN, type LayoutTemplate } from '../layout/layout-template.js';
import { PRESETS, type RoomSnapshot, type Size, type SnapshotStream } from '../layout/plan.js';
import { isUsableCanvas, MIN_CANVAS_SIDE } from '../layout/stage.js';
import { renderSvg } from '../layout/svg.js';
import { parseLayouts } from '../rooms/layouts-file.js';
import { parsePreset, ROOM_ID_PATTERN } from '../rooms/membership.js';
import { LIMITS, type MixBackendName, STREAM_ID_PATTERN, TEMPLATES } from '../tencent/limits.js';
import { startRequestBody } from '../tencent/mix-request-body.js';

/**
 * `mixkeeper layout`: what mixkeeper would ask Tencent to mix for a room, worked out offline from
 * flags. The shell around the pure layout engine: flags in, plan / SVG / request body / reasons out.
 */

export const USAGE = `usage: mixkeeper layout --streams a,b,c [options]

Prints the mix mixkeeper would ask Tencent for, offline (no Redis, no network).

options:
  --streams a,b,c        live streams, in the order they joined (required)
  --preset NAME          pip | pk | grid | speaker | audio | template:<id>
                         (default: pip when a main is live, else grid)
  --template FILE        a layout template (JSON, or YAML as .yaml/.yml), checked as
                         PUT /v1/layouts checks it; the room is laid out by it
  --main ID              the main host (PiP's background, the type 0 output)
  --audio a,b            streams that push audio only
  --video a,b            streams that push video only
  --canvas WxH           canvas size for pk, grid, speaker, audio and canvas templates
  --size ID=WxH,...      source resolutions (unknown when not given)
  --output-type 0|1      0: the mix replaces the main's stream (default); 1: a new stream <room>_mix
  --room ID              room id (default room); the session id is <room>_1
  --backend API          legacy | api3: the mix API whose limits apply and whose body is printed
                         (default: TENCENT_MIX_BACKEND, else legacy)
  --format FMT           json (default) | svg | body | explain
  -h, --help             show this help

body is the exact start request: Mix_StreamV2 (legacy; app_id comes from TENCENT_APPID, 0 when
unset) or the CreateCommonMixStream parameters (api3).`;

const FORMATS = ['json', 'svg', 'body', 'explain'] as const;
export type LayoutFormat = (typeof FORMATS)[number];

/** Where the command writes and what it reads from its surroundings; tests pass their own. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  now(): number;
}

const processIo: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  now: () => Date.now(),
};

export type ParsedLayoutArgs =
  | { kind: 'help' }
  | {
      kind: 'run';
      snapshot: RoomSnapshot;
      format: LayoutFormat;
      backend: MixBackendName;
      /** --template: read and checked by `run`, which lays the room out by it. */
      templateFile?: string;
    }
  | { kind: 'error'; message: string };

const SIZE = /^(\d{1,5})x(\d{1,5})$/;

/**
 * Flags → the room they describe, and the mix API it is planned for (`--backend`, else the
 * service's TENCENT_MIX_BACKEND in `env`). Pure: every mistake comes back as one line to show.
 */
export function parseLayoutArgs(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedLayoutArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        streams: { type: 'string' },
        preset: { type: 'string' },
        template: { type: 'string' },
        main: { type: 'string' },
        audio: { type: 'string' },
        video: { type: 'string' },
        canvas: { type: 'string' },
        size: { type: 'string' },
        'output-type': { type: 'string' },
        room: { type: 'string' },
        backend: { type: 'string' },
        format: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help === true) return { kind: 'help' };
  const flag = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const error = (message: string): ParsedLayoutArgs => ({ kind: 'error', message });

  const streamsFlag = flag('streams');
  if (streamsFlag === undefined) return error('--streams is required, e.g. --streams host,guest1');
  const ids = list(streamsFlag);
  if (ids.length === 0) return error('--streams names no stream');
  for (const id of ids) {
    if (!STREAM_ID_PATTERN.test(id)) {
      return error(
        `--streams: ${JSON.stringify(id)} is not a stream id (1-80 letters, digits or underscores)`,
      );
    }
  }
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate !== undefined) return error(`--streams names ${duplicate} twice`);
  const known = new Set(ids);
  const unknownIn = (name: string, given: string[]) => {
    const stranger = given.find((id) => !known.has(id));
    return stranger === undefined ? undefined : `--${name}: ${stranger} is not one of --streams`;
  };

  const main = flag('main');
  if (main !== undefined && !known.has(main)) return error(`--main: ${main} is not one of --streams`);
  const audio = list(flag('audio') ?? '');
  const video = list(flag('video') ?? '');
  const strangers = unknownIn('audio', audio) ?? unknownIn('video', video);
  if (strangers) return error(strangers);
  const both = audio.find((id) => video.includes(id));
  if (both !== undefined) return error(`${both} is in both --audio and --video`);

  const sizes = new Map<string, Size>();
  for (const entry of list(flag('size') ?? '')) {
    const [id, dims, ...rest] = entry.split('=');
    const size = dims === undefined || rest.length > 0 ? undefined : parseSize(dims);
    if (id === undefined || !size || size.width < 1 || size.height < 1) {
      return error(`--size: ${JSON.stringify(entry)} is not ID=WIDTHxHEIGHT, e.g. host=540x960`);
    }
    if (!known.has(id)) return error(`--size: ${id} is not one of --streams`);
    sizes.set(id, size);
  }

  const backendFlag = flag('backend');
  const backend = backendFlag ?? (env.TENCENT_MIX_BACKEND || 'legacy');
  if (backend !== 'legacy' && backend !== 'api3') {
    const source = backendFlag === undefined ? 'TENCENT_MIX_BACKEND' : '--backend';
    return error(`${source}: ${JSON.stringify(backend)} is neither legacy nor api3`);
  }
  const limits = LIMITS[backend];

  const presetFlag = flag('preset');
  // The same names a push's mix_layout and the rooms API take.
  const preset = presetFlag === undefined ? undefined : parsePreset(presetFlag);
  if (presetFlag !== undefined && preset === undefined) {
    return error(
      `--preset: ${JSON.stringify(presetFlag)} is not one of ${PRESETS.join(', ')}, template:<id> (${Object.keys(TEMPLATES).join(', ')})`,
    );
  }
  const templateFile = flag('template');
  if (templateFile !== undefined && presetFlag !== undefined) {
    return error('--template and --preset: give one; the template is the layout');
  }
  const canvasFlag = flag('canvas');
  const canvas = canvasFlag === undefined ? undefined : parseSize(canvasFlag);
  if (canvasFlag !== undefined) {
    if (canvas === undefined || !isUsableCanvas(canvas, limits)) {
      return error(
        `--canvas: ${JSON.stringify(canvasFlag)} is not WIDTHxHEIGHT with sides ${MIN_CANVAS_SIDE} to ${limits.maxPixels} (${limits.apiName})`,
      );
    }
  }
  const outputType = flag('output-type');
  if (outputType !== undefined && outputType !== '0' && outputType !== '1') {
    return error(`--output-type: ${JSON.stringify(outputType)} is neither 0 nor 1`);
  }
  const roomId = flag('room') ?? 'room';
  if (!ROOM_ID_PATTERN.test(roomId))
    return error(`--room: ${JSON.stringify(roomId)} is not 1-64 letters, digits or underscores`);
  const format = flag('format') ?? 'json';
  if (!isFormat(format))
    return error(`--format: ${JSON.stringify(format)} is not one of ${FORMATS.join(', ')}`);

  const streams: SnapshotStream[] = ids.map((streamId, i) => ({
    streamId,
    role: streamId === main ? 'main' : 'guest',
    media: audio.includes(streamId) ? 'audio' : video.includes(streamId) ? 'video' : 'av',
    joinedAt: i * 1000,
    width: sizes.get(streamId)?.width ?? 0,
    height: sizes.get(streamId)?.height ?? 0,
  }));
  const snapshot: RoomSnapshot = {
    roomId,
    config: {
      ...(preset !== undefined ? { preset } : {}),
      ...(canvas !== undefined ? { canvas } : {}),
      ...(outputType !== undefined ? { output: { type: outputType === '1' ? 1 : 0 } } : {}),
    },
    streams,
  };
  return { kind: 'run', snapshot, format, backend, ...(templateFile !== undefined ? { templateFile } : {}) };
}

/** The template in a file, checked against the mix API's limits; a message naming what is wrong. */
function readTemplate(path: string, backend: MixBackendName): LayoutTemplate | { message: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { message: `--template: cannot read ${path}: ${(err as Error).message}` };
  }
  try {
    const data: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
    const name = templateName(path);
    const layouts = parseLayouts({ [name]: data }, LIMITS[backend], `--template ${path}`);
    const template = layouts.get(name);
    return template ?? { message: `--template ${path}: no template` };
  } catch (err) {
    return { message: (err as Error).message };
  }
}

/** The name the --template file's layout goes by in the plan: `stage.json` → `layout:stage`. */
export function templateName(path: string): string {
  const base = basename(path).replace(/\.(json|ya?ml)$/i, '');
  return LAYOUT_NAME_PATTERN.test(base) ? base : 'file';
}

export async function run(args: string[], io: CommandIo = processIo): Promise<number> {
  const parsed = parseLayoutArgs(args, io.env);
  if (parsed.kind === 'help') {
    io.out(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.err(`mixkeeper layout: ${parsed.message} (see --help)`);
    return 2;
  }
  const { format, backend } = parsed;
  let snapshot = parsed.snapshot;
  if (parsed.templateFile !== undefined) {
    const template = readTemplate(parsed.templateFile, backend);
    if ('message' in template) {
      io.err(`mixkeeper layout: ${template.message}`);
      return 2;
    }
    const name = templateName(parsed.templateFile);
    snapshot = {
      ...snapshot,
      config: { ...snapshot.config, preset: `layout:${name}` },
      layouts: { [name]: template },
    };
  }
  const { plan, reasons } = compose(snapshot, LIMITS[backend]);
  if (format === 'explain') {
    io.out(reasons.join('\n'));
    return 0;
  }
  if (!plan) {
    io.err(`mixkeeper layout: ${reasons[0] ?? 'no mix'}`);
    return 1;
  }
  if (format === 'json') io.out(JSON.stringify(plan, null, 2));
  else if (format === 'svg') io.out(renderSvg(plan, { notes: reasons }));
  else {
    const appId = parseAppId(io.env.TENCENT_APPID);
    if (appId === 0 && backend === 'legacy')
      io.err('mixkeeper layout: app_id is 0, a placeholder: set TENCENT_APPID for the real value');
    const meta = { appId, sessionId: `${snapshot.roomId}_1`, nowMs: io.now() };
    io.out(JSON.stringify(startRequestBody(backend, plan, meta).body, null, 2));
  }
  return 0;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function parseSize(text: string): Size | undefined {
  const match = SIZE.exec(text.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { width: Number(match[1]), height: Number(match[2]) };
}

function isFormat(f: string): f is LayoutFormat {
  return (FORMATS as readonly string[]).includes(f);
}

function parseAppId(value: string | undefined): number {
  return value !== undefined && /^\d{1,10}$/.test(value) ? Number(value) : 0;
}
