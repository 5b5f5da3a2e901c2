import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger } from './log.js';
import { readableLine, readableLines } from './log-readable.js';

describe('readableLine', () => {
  test('time, level, message, then the fields; quoted only when they need it', () => {
    const line = readableLine(
      JSON.stringify({
        level: 40,
        time: Date.UTC(2026, 10, 25, 15, 32, 0, 512),
        service: 'mixkeeper',
        msg: 'the platform’s online list cannot be read',
        reason: 'a.test/live: timed out',
        roomId: 'r1',
        attempts: 3,
      }),
    );
    expect(line).toBe(
      '15:32:00.512 WARN  the platform’s online list cannot be read reason="a.test/live: timed out" roomId=r1 attempts=3',
    );
  });

  test('an error shows its message, not its stack', () => {
    const line = readableLine(
      JSON.stringify({
        level: 50,
        time: 0,
        msg: 'request failed',
        err: { type: 'Error', message: 'boom', stack: 'Error: boom\n  at x' },
      }),
    );
    expect(line).toBe('00:00:00.000 ERROR request failed err="boom"');
  });

  test('a line that is not JSON passes through', () => {
    expect(readableLine('plain text\n')).toBe('plain text');
  });
});

describe('readableLines', () => {
  test('takes a logger’s output after redaction', () => {
    let written = '';
    const out = new Writable({
      write(chunk, _encoding, done) {
        written += chunk;
        done();
      },
    });
    createLogger('info', readableLines(out)).info({ sign: 'abc123', roomId: 'r1' }, 'callback');
    expect(written).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}callback sign=\[redacted\] roomId=r1\n$/);
  });
});
