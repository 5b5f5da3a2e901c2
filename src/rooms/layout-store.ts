import { z } from 'zod';
import { type LayoutTemplate, layoutTemplateSchema, parseLayoutPreset } from '../layout/layout-template.js';
import { parsePreset } from './membership.js';
import type { RoomStore } from './room-store.js';

/**
 * Layout templates, by name: stored in one hash (`keys.layouts`) through the rooms API, or read
 * from LAYOUTS_FILE at start (`store.fileLayouts`). A file's template wins over a stored copy of
 * the same name, and every answer says which one is in force. Templates are checked before they
 * are stored (`checkTemplate`); one that no longer parses is skipped as if absent.
 */

export const storedLayoutSchema = z.object({ template: z.unknown(), updatedAt: z.number() });

export interface LayoutEntry {
  name: string;
  template: LayoutTemplate;
  /** `file`: from LAYOUTS_FILE; `stored`: set through the API. */
  source: 'file' | 'stored';
  /** When the stored copy was last set (absent for a file's template). */
  updatedAt?: number;
  /** A stored copy exists but the file's template of the same name is the one rooms use. */
  storedCopyIgnored?: boolean;
}

function parseStored(
  json: string | null | undefined,
): { template: LayoutTemplate; updatedAt: number } | undefined {
  if (!json) return undefined;
  try {
    const stored = storedLayoutSchema.parse(JSON.parse(json));
    const template = layoutTemplateSchema.safeParse(stored.template);
    return template.success ? { template: template.data, updatedAt: stored.updatedAt } : undefined;
  } catch {
    return undefined;
  }
}

function entry(
  name: string,
  file: LayoutTemplate | undefined,
  stored: { template: LayoutTemplate; updatedAt: number } | undefined,
): LayoutEntry | undefined {
  if (file) return { name, template: file, source: 'file', ...(stored ? { storedCopyIgnored: true } : {}) };
  return stored
    ? { name, template: stored.template, source: 'stored', updatedAt: stored.updatedAt }
    : undefined;
}

/** Every template in force, by name. */
export async function listLayouts(store: RoomStore): Promise<LayoutEntry[]> {
  const stored = await store.redis.hgetall(store.keys.layouts);
  const names = new Set([...store.fileLayouts.keys(), ...Object.keys(stored)]);
  return [...names]
    .sort()
    .flatMap((name) => entry(name, store.fileLayouts.get(name), parseStored(stored[name])) ?? []);
}

export async function getLayout(store: RoomStore, name: string): Promise<LayoutEntry | undefined> {
  const stored = await store.redis.hget(store.keys.layouts, name);
  return entry(name, store.fileLayouts.get(name), parseStored(stored));
}

/** Stores a (checked) template; true when it replaced one. */
export async function putLayout(store: RoomStore, name: string, template: LayoutTemplate, now: number) {
  const added = await store.redis.hset(
    store.keys.layouts,
    name,
    JSON.stringify({ template, updatedAt: now }),
  );
  return added === 0;
}

export async function deleteLayout(store: RoomStore, name: string): Promise<boolean> {
  return (await store.redis.hdel(store.keys.layouts, name)) > 0;
}

/** The templates in force for these names (those defined), for a room's snapshot. */
export async function resolveLayouts(
  store: RoomStore,
  names: readonly string[],
): Promise<Record<string, LayoutTemplate>> {
  const wanted = [...new Set(names)];
  if (!wanted.length) return {};
  const fromRedis = wanted.some((n) => !store.fileLayouts.has(n))
    ? await store.redis.hmget(store.keys.layouts, ...wanted)
    : wanted.map(() => null);
  const found: Record<string, LayoutTemplate> = {};
  for (const [i, name] of wanted.entries()) {
    const template = store.fileLayouts.get(name) ?? parseStored(fromRedis[i])?.template;
    if (template) found[name] = template;
  }
  return found;
}

/** The layout a preset names (`layout:<name>`, or `layout_<name>` as a push asks), if any. */
export function layoutNameOf(preset: string | undefined): string | undefined {
  if (preset === undefined) return undefined;
  const parsed = parsePreset(preset);
  return parsed === undefined ? undefined : parseLayoutPreset(parsed);
}

/**
 * Every room whose config, override or main's push names the layout: those a change of it
 * re-lays out. Walks the room index in pages, reading three small fields a room; an override that
 * has expired still counts (its room's reconcile then finds nothing to change).
 */
export async function roomsUsingLayout(store: RoomStore, name: string): Promise<string[]> {
  const using: string[] = [];
  let cursor = '0';
  do {
    // ZSCAN of the room index (as room-index.ts's scanRoomIds): a room indexed throughout is seen.
    const [next, flat] = await store.redis.zscan(store.keys.index, cursor, 'COUNT', 200);
    cursor = next;
    const found = await Promise.all(
      flat
        .filter((_, i) => i % 2 === 0)
        .map(async (roomId) => {
          const keys = store.keys.room(roomId);
          const [config, override, pushPreset] = await Promise.all([
            store.redis.get(keys.config),
            store.redis.get(keys.override),
            store.redis.hget(keys.meta, 'pushPreset'),
          ]);
          const presets = [presetIn(config, []), presetIn(override, ['config']), pushPreset ?? undefined];
          return presets.some((p) => layoutNameOf(p) === name) ? roomId : undefined;
        }),
    );
    for (const roomId of found) if (roomId !== undefined && !using.includes(roomId)) using.push(roomId);
  } while (cursor !== '0');
  return using;
}

/** `preset` of a stored JSON object, at `path` inside it. */
function presetIn(json: string | null, path: string[]): string | undefined {
  if (!json) return undefined;
  try {
    let value: unknown = JSON.parse(json);
    for (const key of path)
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
    const preset = value && typeof value === 'object' ? (value as Record<string, unknown>).preset : undefined;
    return typeof preset === 'string' ? preset : undefined;
  } catch {
    return undefined;
  }
}

/** The layouts a room's state may need: those its config, override and main's push name. */
export async function layoutsForRoom(
  store: RoomStore,
  state: {
    config?: { preset?: string } | undefined;
    override?: { config: { preset?: string } };
    meta: { pushPreset?: string };
  },
): Promise<Record<string, LayoutTemplate>> {
  const names = [state.config?.preset, state.override?.config.preset, state.meta.pushPreset].flatMap(
    (p) => layoutNameOf(p) ?? [],
  );
  return resolveLayouts(store, names);
}
