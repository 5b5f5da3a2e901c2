import type { Media, Preset, Role } from '../layout/plan.js';
import { PRESETS } from '../layout/plan.js';
import { parseAutoMixParam } from '../tencent/auto-mix-param.js';
import { TEMPLATES } from '../tencent/limits.js';

/**
 * Which room a stream joins and how, read from its push URL's query (`stream_param`):
 * `mix_room=<id>` joins, `mix_role=main|guest`, `mix_media=av|audio|video`,
 * `mix_layout=pip|pk|grid|speaker|audio|template_<id>|layout_<name>` (honoured on the main's push).
 * Without `mix_room`, Tencent's own auto-mix parameter `mixv2` is read instead (see `fromAutoMix`).
 */

export const ROOM_ID_PATTERN = /^[A-Za-z0-9_]{1,64}$/;

export interface Membership {
  roomId: string;
  role: Role;
  media: Media;
  /** The layout the main asked for; only a main's push sets the room's preset. */
  preset?: Preset;
  /** Why a param was ignored, for the audit log. */
  notes: string[];
}

export type MembershipResult =
  | { ok: true; membership: Membership }
  | { ok: false; reason: 'no-room' | 'bad-room' };

export function readMembership(params: Record<string, string>): MembershipResult {
  const roomId = params.mix_room;
  if ((roomId === undefined || roomId === '') && params.mixv2) return fromAutoMix(params, params.mixv2);
  if (roomId === undefined || roomId === '') return { ok: false, reason: 'no-room' };
  if (!ROOM_ID_PATTERN.test(roomId)) return { ok: false, reason: 'bad-room' };
  const notes: string[] = [];
  const role = pick(params.mix_role, ['main', 'guest'] as const, 'guest', 'mix_role', notes);
  const media = pick(params.mix_media, ['av', 'audio', 'video'] as const, 'av', 'mix_media', notes);
  const membership: Membership = { roomId, role, media, notes };
  if (role === 'main') {
    const asked = params.mix_layout;
    const preset = asked ? parsePreset(asked) : 'pip';
    if (!preset) notes.push(`mix_layout "${asked}" is not a preset; using pip`);
    membership.preset = preset ?? 'pip';
  }
  return { ok: true, membership };
}

/**
 * A stream pushed with Tencent's automatic mixing parameter and no `mix_room`: `session_id` is the
 * room, `layer:b` the main, `layer:s` a guest; the main's `t_id` sets the preset (1 pip, 2 audio)
 * unless `mix_layout` names one. `mix_media` still applies.
 */
function fromAutoMix(params: Record<string, string>, value: string): MembershipResult {
  const parsed = parseAutoMixParam(value);
  if (!parsed.ok) return { ok: false, reason: 'no-room' };
  const { sessionId, layer, templateId } = parsed.param;
  if (!ROOM_ID_PATTERN.test(sessionId)) return { ok: false, reason: 'bad-room' };
  const notes = [
    `room ${sessionId} from Tencent's auto-mix parameter mixv2 (layer ${layer}, t_id ${templateId})`,
  ];
  const role = layer === 'b' ? 'main' : 'guest';
  const media = pick(params.mix_media, ['av', 'audio', 'video'] as const, 'av', 'mix_media', notes);
  const membership: Membership = { roomId: sessionId, role, media, notes };
  if (role === 'main') {
    const asked = params.mix_layout ? parsePreset(params.mix_layout) : undefined;
    if (params.mix_layout && !asked)
      notes.push(`mix_layout "${params.mix_layout}" is not a preset; using t_id's`);
    membership.preset = asked ?? (templateId === 2 ? 'audio' : 'pip');
  }
  return { ok: true, membership };
}

/** `pip` … `audio`, `template_<id>` / `template:<id>` with a known template id, or
 *  `layout_<name>` / `layout:<name>` naming a layout template (defined or not yet). */
export function parsePreset(value: string): Preset | undefined {
  if ((PRESETS as readonly string[]).includes(value)) return value as Preset;
  const layout = /^layout[_:]([A-Za-z0-9_-]{1,64})$/.exec(value);
  if (layout) return `layout:${layout[1]}`;
  const template = /^template[_:](\d{2,3})$/.exec(value);
  if (template && TEMPLATES[Number(template[1])]) return `template:${Number(template[1])}`;
  return undefined;
}

function pick<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
  name: string,
  notes: string[],
): T {
  if (value === undefined || value === '') return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  notes.push(`${name} "${value}" is not one of ${allowed.join('|')}; using ${fallback}`);
  return fallback;
}
