import type { MixPlan, Tile } from '../layout/plan.js';
import type { RoomStore } from './room-store.js';
import type { AuditEntry } from './stored.js';

/**
 * A room's audit log: the timeline the room page and `GET /v1/rooms/:id/events` show. In Redis an
 * entry is a JSON array `[at, v, type, ...fields]`, its fields in the order `AUDIT_FIELDS` gives
 * for its type and any other field in a trailing object: the same entry as an object would spend
 * half its bytes on repeated key names, and the log is most of a room's memory at its cap. Readers
 * get objects; lines stored as objects (before this format) read as they are.
 */

type AuditType = AuditEntry['type'];

/**
 * Stored field order per type. A field a script decides (an observation's outcome) comes first.
 * Append only: never reorder, remove or insert: stored lines are read back by position.
 */
const AUDIT_FIELDS = {
  callback: ['outcome', 'kind', 'stream', 'seq', 'notes', 'unmixable', 'errcode', 'errmsg'],
  resync: ['outcome', 'action', 'stream', 'seq', 'reason'],
  decision: ['decision', 'until', 'reason'],
  request: ['op', 'session', 'reason', 'causes', 'changes', 'inputs'],
  answer: ['op', 'code', 'ms', 'message'],
  config: ['config'],
  operator: ['action'],
  /** A webhook delivery: delivered, retry (its first failure only), gave_up or expired (src/webhooks/). */
  webhook: ['outcome', 'event', 'endpoint', 'status', 'ms', 'attempt', 'id'],
} as const satisfies Record<AuditType, readonly string[]>;

const fieldsOf = (type: string): readonly string[] => AUDIT_FIELDS[type as AuditType] ?? [];

/** An entry as stored. */
export function encodeAuditEntry(entry: AuditEntry): string {
  const { at, v, type, ...detail } = entry;
  return JSON.stringify([at, v, type, ...fieldValues(type, detail, 0)]);
}

/**
 * The fields of an entry a script completes, from the `decided`-th on (the ones before are the
 * script's), as the JSON array the script appends to `[at, v, type, …decided]` (fragments.ts).
 */
export function encodeAuditFields(type: AuditType, detail: Record<string, unknown>, decided = 0): string {
  return JSON.stringify(fieldValues(type, detail, decided));
}

function fieldValues(type: string, detail: Record<string, unknown>, from: number): unknown[] {
  const names = fieldsOf(type);
  const values = names.slice(from).map((name) => detail[name] ?? null);
  const rest = Object.fromEntries(Object.entries(detail).filter(([name]) => !names.includes(name)));
  if (Object.keys(rest).length) return [...values, rest];
  while (values.length && values.at(-1) === null) values.pop();
  return values;
}

export function decodeAuditEntry(line: string): AuditEntry {
  const parsed: unknown = JSON.parse(line);
  if (!Array.isArray(parsed)) return parsed as AuditEntry;
  const [at, v, type, ...values] = parsed as [number, number, AuditType, ...unknown[]];
  const entry: AuditEntry = { at, v, type };
  const names = fieldsOf(type);
  for (const [i, value] of values.entries()) {
    const name = names[i];
    if (name !== undefined) {
      if (value !== null) entry[name] = value;
    } else if (value && typeof value === 'object') {
      Object.assign(entry, value);
    }
  }
  return entry;
}

/** A room's audit log, newest first (at most the store's `auditCap` entries are kept). */
export async function readAudit(store: RoomStore, roomId: string, limit = 100): Promise<AuditEntry[]> {
  const lines = await store.redis.lrange(store.keys.room(roomId).audit, 0, limit - 1);
  return lines.map(decodeAuditEntry);
}

/** `guest_b L2 380,630 160x240 crop`: an input of a start, as the audit log keeps it. */
export function describeInput(tile: Tile): string {
  const rect = tile.rect ? ` ${tile.rect.x},${tile.rect.y} ${tile.rect.width}x${tile.rect.height}` : '';
  const type = tile.inputType === 0 ? '' : ` type${tile.inputType}`;
  return `${tile.streamId} L${tile.layer}${type}${rect}${tile.crop ? ' crop' : ''}`;
}

/**
 * What an update changes in the plan sent before it: its scalars (`bitrate 900→1200`, `canvas
 * 720x1280→1280x720`), then its inputs (`inputChanges`). Entries are text, so a reader that knows
 * only input changes still shows a new kind as written; input changes alone start with + ~ -.
 */
export function planChanges(before: MixPlan, after: MixPlan): string[] {
  const size = (s: MixPlan['canvas']) => `${s.width}x${s.height}`;
  const scalars: [string, string, string][] = [
    ['preset', before.preset, after.preset],
    ['template', String(before.templateId), String(after.templateId)],
    ['output type', String(before.outputType), String(after.outputType)],
    ['output', before.outputStreamId, after.outputStreamId],
    ['canvas', size(before.canvas), size(after.canvas)],
    ['bitrate', String(before.bitrate ?? 'auto'), String(after.bitrate ?? 'auto')],
  ];
  const changed = scalars
    .filter(([, was, now]) => was !== now)
    .map(([name, was, now]) => `${name} ${was}→${now}`);
  return [...changed, ...inputChanges(before, after)];
}

/**
 * What a start changes in the inputs of the plan sent before it: `+tile` added, `~tile` moved or
 * otherwise changed (as it is now), `-stream` removed. The plan on air is stored once (`applied`);
 * the log keeps what each request changed, which is what a reader of the timeline looks for.
 */
export function inputChanges(before: MixPlan, after: MixPlan): string[] {
  const old = new Map(before.inputs.map((tile) => [tile.streamId, describeInput(tile)]));
  const changes: string[] = [];
  for (const tile of after.inputs) {
    const now = describeInput(tile);
    const was = old.get(tile.streamId);
    if (was === undefined) changes.push(`+${now}`);
    else if (was !== now) changes.push(`~${now}`);
    old.delete(tile.streamId);
  }
  for (const streamId of old.keys()) changes.push(`-${streamId}`);
  return changes;
}
