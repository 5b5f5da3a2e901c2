import type { Media, Preset, Role } from '../layout/plan.js';
import { PRESETS } from '../layout/plan.js';
import { TEMPLATES } from '../tencent/limits.js';

/**
 * Which room a stream joins and how, read from its push URL's query (`stream_param`):
 * `mix_room=<id>` joins, `mix_role=main|guest`, `mix_media=av|audio|video`,
 * `mix_layout=pip|pk|grid|speaker|audio|template_<id>|layout_<name>` (honoured on the main's push).
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
