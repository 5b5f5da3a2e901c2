import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import type { FaultPlanInput } from '../../src/sim/index.js';
import { type Backend, type Stack, startStack } from '../support/stack.js';
import { stackPerTest } from '../support/stack-per-test.js';

/**
 * Error classes through the real path: the simulator answers the code, the backend classifies it,
 * the reconcile job retries or fails the room, and /metrics shows what an operator's alert watches.
 */

let stack: Stack;
const track = stackPerTest<Stack>();
type FaultScript = NonNullable<FaultPlanInput['script']>;
/** A stack on `backend` whose simulator answers with `script`'s codes, in order, when it is given. */
async function open(backend: Backend, script?: FaultScript): Promise<void> {
  stack = track(await startStack({}, { backend }));
  if (script) await stack.faults({ script });
}

const main = (room: string) => ({ mix_room: room, mix_role: 'main' });
const guest = (room: string) => ({ mix_room: room });
const scrape = async () => (await fetch(`${stack.service.url}/metrics`)).text();
/** The value of the series `name{labels}` in a scrape (labels in the order prom-client writes them). */
const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};
/** Brings `room` to mixing with `host` and `guestId`, then stops the guest, so the mix is cancelled. */
async function mixThenStopGuest(room: string, host: string, guestId: string): Promise<void> {
  await stack.push(host, main(room));
  await stack.push(guestId, guest(room));
  await stack.until(async () => expect((await stack.room(room))?.status).toBe('mixing'));
  await stack.stop(guestId);
}
interface ShownError {
  code: number | string;
  apiCode?: string;
  message: string;
  op: 'start' | 'cancel';
}

describe('transient API 3.0 codes are retried with backoff', () => {
  test('ServiceUnavailable on a start and InternalError on a cancel: the room recovers, never fails', async () => {
    await open('api3', [
      { op: 'start', code: 'ServiceUnavailable' },
      { op: 'cancel', code: 'InternalError' },
    ]);
    await mixThenStopGuest('ec1', 'host_a', 'guest_b');
    await stack.until(async () => expect((await stack.room('ec1'))?.applied).toBeNull());

    const requests = await stack.requests();
    expect(requests.map((r) => [r.op, r.apiCode ?? r.code])).toEqual([
      ['start', 'ServiceUnavailable'],
      ['start', 0],
      ['cancel', 'InternalError'],
      ['cancel', 0],
    ]);
    const metrics = await scrape();
    expect(metrics).not.toMatch(/^mixkeeper_room_failures_total\{/m);
    expect(metrics).not.toMatch(/^mixkeeper_mix_unknown_errors_total\{/m);
  });
});

describe('cancel answers', () => {
  test('CancelSessionNotExist means already done; ResourceNotFound.StopService fails the room', async () => {
    await open('api3', [
      { op: 'cancel', code: 'FailedOperation.CancelSessionNotExist' },
      { op: 'cancel', code: 'ResourceNotFound.StopService' },
    ]);
    for (const room of ['ec4', 'ec5']) {
      await mixThenStopGuest(room, `${room}_host`, `${room}_guest`);
      await stack.until(async () =>
        expect(
          (await stack.requests()).filter((r) => r.op === 'cancel' && r.sessionId.startsWith(room)),
        ).toHaveLength(1),
      );
    }
    await stack.until(async () => expect((await stack.room('ec4'))?.status).toBe('idle'));
    expect((await stack.room('ec4'))?.applied).toBeNull();
    await stack.until(async () => expect((await stack.room('ec5'))?.status).toBe('failed'));
    expect((await stack.room('ec5'))?.lastError as ShownError | null).toMatchObject({
      code: 'ResourceNotFound.StopService',
      op: 'cancel',
    });
    expect(sample(await scrape(), 'mixkeeper_room_failures_total{op="cancel",reason="permanent"}')).toBe(1);
    // Both were answered once: no retry.
    expect((await stack.requests()).filter((r) => r.op === 'cancel').map((r) => r.apiCode)).toEqual([
      'FailedOperation.CancelSessionNotExist',
      'ResourceNotFound.StopService',
    ]);
  });
});

describe('unknown codes', () => {
  test('stay permanent, are shown with their message, and are counted by code', async () => {
    await open('api3', [{ op: 'start', code: 'UnsupportedOperation.NewThing' }]);
    await stack.push('host_a', main('ec2'));
    await stack.push('guest_b', guest('ec2'));
    await stack.until(async () => expect((await stack.room('ec2'))?.status).toBe('failed'));

    const room = await stack.room('ec2');
    expect(room?.lastError as ShownError | null).toMatchObject({
      code: 'UnsupportedOperation.NewThing',
      apiCode: 'UnsupportedOperation.NewThing',
      message: 'UnsupportedOperation.NewThing (scripted)',
    });
    // Permanent: one start, no retry.
    expect((await stack.starts()).map((r) => r.apiCode)).toEqual(['UnsupportedOperation.NewThing']);
    const metrics = await scrape();
    expect(sample(metrics, 'mixkeeper_mix_unknown_errors_total{code="UnsupportedOperation.NewThing"}')).toBe(
      1,
    );
    expect(sample(metrics, 'mixkeeper_room_failures_total{op="start",reason="permanent"}')).toBe(1);
    // The latency histogram keeps its cardinality: an unknown code is one `unknown` series there.
    expect(metrics).toMatch(/^mixkeeper_mix_request_seconds_count\{op="start",code="unknown"\} 1$/m);
  });
});

/** The "rooms failing" alert's PromQL, as docs/OPERATIONS.md gives it to operators. */
async function roomsFailingAlert(): Promise<string> {
  const doc = await readFile(new URL('../../docs/OPERATIONS.md', import.meta.url), 'utf8');
  const row = doc.split('\n').find((line) => /^\|\s*rooms failing\s*\|/.test(line));
  const expr = row && /`([^`]+)`/.exec(row)?.[1];
  if (!expr) throw new Error('docs/OPERATIONS.md has no "rooms failing" alert row with an expression');
  return expr;
}

/** Every `metric{matchers}` selector of a PromQL expression (functions and keywords are not followed by `{` or `[`). */
function selectors(expr: string): { name: string; matchers: [string, string, string][] }[] {
  const found: { name: string; matchers: [string, string, string][] }[] = [];
  for (const match of expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?\s*(?=\[|\)|\s|$)/g)) {
    const name = match[1] ?? '';
    if (!name.startsWith('mixkeeper_')) continue;
    const matchers = [...(match[3] ?? '').matchAll(/(\w+)\s*(=~|!=|!~|=)\s*"([^"]*)"/g)].map(
      (m): [string, string, string] => [m[1] ?? '', m[2] ?? '', m[3] ?? ''],
    );
    found.push({ name, matchers });
  }
  return found;
}

/** The scraped samples of `name` whose labels satisfy the matchers. */
function matching(text: string, selector: ReturnType<typeof selectors>[number]): number[] {
  const values: number[] = [];
  for (const line of text.split('\n')) {
    const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!sampleLine || sampleLine[1] !== selector.name) continue;
    const labels = new Map(
      [...(sampleLine[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    const ok = selector.matchers.every(([label, op, value]) => {
      const actual = labels.get(label) ?? '';
      if (op === '=') return actual === value;
      if (op === '!=') return actual !== value;
      const re = new RegExp(`^(?:${value})$`);
      return op === '=~' ? re.test(actual) : !re.test(actual);
    });
    if (ok) values.push(Number(sampleLine[4]));
  }
  return values;
}

describe('the "rooms failing" alert watches a series the code emits', () => {
  test.each(['legacy', 'api3'] as const)(
    '%s: a permanent refusal fails the room, and /metrics has the alert’s series',
    async (backend) => {
      await open(backend);
      const expr = await roomsFailingAlert();
      const used = selectors(expr);
      expect(used.length, expr).toBeGreaterThan(0);
      for (const selector of used) expect(matching(await scrape(), selector), expr).toEqual([]);

      // -300: output id already in use (permanent on both protocols).
      await stack.faults({ script: [{ op: 'start', code: -300 }] });
      await stack.push('host_a', main('ec3'));
      await stack.push('guest_b', guest('ec3'));
      await stack.until(async () => expect((await stack.room('ec3'))?.status).toBe('failed'));
      expect((await stack.room('ec3'))?.lastError?.code).toBe(-300);

      const metrics = await scrape();
      for (const selector of used) {
        const values = matching(metrics, selector);
        expect(values.length, `${selector.name} in ${expr}`).toBeGreaterThan(0);
        expect(values.reduce((a, b) => a + b, 0)).toBe(1);
      }
    },
  );
});
