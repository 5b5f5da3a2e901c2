import { expect, test } from 'vitest';
import { auditLine } from './audit-line.js';

const at = Date.UTC(2026, 0, 1, 12, 0, 0);

test('a disconnect’s line says why the push ended, in the platform’s code and words', () => {
  const left = {
    at,
    v: 4,
    type: 'callback',
    kind: 'disconnect',
    stream: 'guest_b',
    seq: '9',
    outcome: 'stale',
  };
  expect(auditLine({ ...left, errcode: '21/102', errmsg: 'a new push replaced it' })).toBe(
    'disconnect guest_b (seq 9) → stale; errcode 21/102: a new push replaced it',
  );
  expect(auditLine({ ...left, errcode: '2' })).toBe('disconnect guest_b (seq 9) → stale; errcode 2');
  // Entries written before the reason was kept read as they did.
  expect(auditLine(left)).toBe('disconnect guest_b (seq 9) → stale');
});

test('an update’s line names what changed besides its inputs, and says when its inputs did not', () => {
  const update = { at, v: 5, type: 'request', op: 'start', session: 'r_1', reason: 'layout changed' };
  expect(auditLine({ ...update, changes: ['bitrate 900→1200', 'canvas 720x1280→1280x720'] })).toBe(
    'start r_1: layout changed; bitrate 900→1200, canvas 720x1280→1280x720, inputs unchanged',
  );
  expect(auditLine({ ...update, changes: ['template 0→310', '-guest_b'] })).toBe(
    'start r_1: layout changed; template 0→310, -guest_b',
  );
  expect(auditLine({ ...update, changes: [] })).toBe('start r_1: layout changed; inputs unchanged');
});

test('a webhook delivery’s line names the event, the endpoint, the outcome, the answer and the attempt', () => {
  const delivery = { at, v: 6, type: 'webhook', event: 'mix.updated', endpoint: 'env-3f9a0c1d2e4b', ms: 12 };
  expect(auditLine({ ...delivery, outcome: 'delivered', status: 204, attempt: 3 })).toBe(
    'webhook mix.updated → env-3f9a0c1d2e4b: delivered (HTTP 204, attempt 3, 12 ms)',
  );
  expect(
    auditLine({ ...delivery, outcome: 'retry', status: 0, attempt: 1, error: 'no answer within 10000 ms' }),
  ).toBe('webhook mix.updated → env-3f9a0c1d2e4b: retry (no answer within 10000 ms, attempt 1, 12 ms)');
});
