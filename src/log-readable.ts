import type { DestinationStream } from 'pino';

/**
 * pino's JSON lines as one readable line each, for `mixkeeper dev` in a terminal:
 * `15:32:00.512 WARN  the platform’s online list cannot be read reason="…"`. Services keep JSON
 * (log shippers want it). It formats what pino wrote, so redaction has already happened.
 */

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
/** pino's own fields, shown in the line's head or not at all. */
const HEAD = new Set(['level', 'time', 'msg', 'service', 'pid', 'hostname']);

export function readableLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([name]) => !HEAD.has(name))
    .map(([name, value]) => `${name}=${field(value)}`);
  return [time, level, String(entry.msg ?? ''), ...fields].filter(Boolean).join(' ');
}

function field(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value && typeof value === 'object' && 'message' in value) return JSON.stringify(String(value.message));
  return JSON.stringify(value);
}

export function readableLines(out: NodeJS.WritableStream): DestinationStream {
  return { write: (json: string) => void out.write(`${readableLine(json)}\n`) };
}
