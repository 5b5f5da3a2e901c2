import type { OperatorIo } from './operator-api.js';

/**
 * What the terminal commands print comes partly from callbacks (stream ids, the platform's messages),
 * whose bodies are not signed: a control sequence in them (ESC, CSI, OSC — a title, a hyperlink, a
 * cleared screen, a fake prompt) must not reach the operator's terminal. Removed here: C0 controls
 * but tab and newline, DEL, C1 controls (U+0080–U+009F, the 8-bit CSI and OSC among them), and
 * bidirectional overrides, which reorder what the eye reads.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNSAFE, '');
}

/**
 * JSON for the terminal: the same characters as `\uXXXX` escapes, so the data stays whole (and
 * valid JSON) yet nothing in it acts on the terminal. JSON.stringify escapes C0 only.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    UNSAFE,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** The io with everything printed made `printable`. */
export function printableIo(io: OperatorIo): OperatorIo {
  return { ...io, out: (text) => io.out(printable(text)), err: (text) => io.err(printable(text)) };
}
