import { describe, expect, test } from 'vitest';
import type { OperatorIo } from '../../src/commands/operator-api.js';
import { run as runRoom } from '../../src/commands/room.js';
import { run as runRooms } from '../../src/commands/rooms.js';
import { textTable } from '../../src/commands/text-table.js';
import { TOKEN, useAdminApp } from '../support/admin-harness.js';

/**
 * Issue 14 §4: stream ids come from callbacks, whose bodies are not signed. Printed by `mixkeeper
 * rooms` / `room`, an id holding escape sequences (a window title, a hyperlink, a cleared screen, an
 * 8-bit CSI) would act on the operator's terminal. Nothing printed may hold a control character.
 */

const harness = useAdminApp();

/** ESC-based CSI and OSC, 8-bit CSI and OSC, BEL, a bidi override, a backspace, a carriage return. */
const HOSTILE_ID = 'cam\u001b[2J\u001b]0;owned\u0007\u009b31m\u009d8;;http://x\u009c\u202ex\b\r';
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the test
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function io(): OperatorIo & { printed: () => string } {
  const lines: string[] = [];
  return {
    printed: () => lines.join('\n'),
    out: (text) => lines.push(text),
    err: (text) => lines.push(text),
    env: { MIXKEEPER_URL: 'http://admin.test', ADMIN_TOKEN: TOKEN },
    fetch: (input, init) => Promise.resolve(harness.app.request(String(input), init)),
  };
}

describe('terminal output', () => {
  test('a stream id with escape sequences prints without a control character, in tables and JSON', async () => {
    await harness.push('tty1', 'host_a', 'main');
    await harness.push('tty1', HOSTILE_ID);

    const room = io();
    expect(await runRoom(['tty1'], room)).toBe(0);
    expect(room.printed()).toContain('cam[2J]0;owned');
    expect(room.printed()).not.toMatch(CONTROL);

    const json = io();
    expect(await runRoom(['tty1', '--json'], json)).toBe(0);
    expect(json.printed()).not.toMatch(CONTROL);
    // The data stays whole: escaped, not dropped.
    expect(JSON.stringify(JSON.parse(json.printed()))).toContain(JSON.stringify(HOSTILE_ID).slice(1, -1));

    const list = io();
    expect(await runRooms([], list)).toBe(0);
    expect(list.printed()).toMatch(/tty1/);
    expect(list.printed()).not.toMatch(CONTROL);
  });

  test('textTable removes control characters from every cell', () => {
    expect(textTable(['A'], [[HOSTILE_ID]])).not.toMatch(CONTROL);
  });
});
