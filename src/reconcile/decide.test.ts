import { describe, expect, test } from 'vitest';
import { PLATFORM_TIMING } from '../../test/support/platform-timing.js';
import type { MixPlan, Tile } from '../layout/plan.js';
import { type AppliedView, type DecideInput, decide, samePlan } from './decide.js';

const timing = PLATFORM_TIMING;
const T0 = 1_700_000_000_000;

function plan(output: string, ...guests: string[]): MixPlan {
  const inputs: Tile[] = [
    { streamId: output, layer: 1, inputType: 0, role: 'main' },
    ...guests.map(
      (id, i): Tile => ({
        streamId: id,
        layer: i + 2,
        inputType: 0,
        role: 'guest',
        slot: i,
        rect: { x: 380, y: 630 - 240 * i, width: 160, height: 240 },
      }),
    ),
  ];
  return {
    preset: 'pip',
    canvas: { width: 540, height: 960 },
    outputStreamId: output,
    outputType: 0,
    templateId: 0,
    inputs,
  };
}

function input(overrides: Partial<DecideInput>): DecideInput {
  const desired = overrides.desired === undefined ? plan('main', 'g1') : overrides.desired;
  const pushedAt = new Map((desired?.inputs ?? []).map((t) => [t.streamId, T0 - 60_000]));
  return { roomId: 'r1', desired, applied: null, pushedAt, epoch: 0, now: T0, timing, ...overrides };
}

function running(p: MixPlan, over: Partial<AppliedView> = {}): AppliedView {
  return { sessionId: 'r1_1', epoch: 1, plan: p, lastStartAt: T0 - 60_000, ...over };
}

describe('decide: starting', () => {
  test('a desired plan with nothing running starts a new session with the next epoch', () => {
    const d = decide(input({ epoch: 4 }));
    expect(d).toMatchObject({ kind: 'start', sessionId: 'r1_5', epoch: 5, newSession: true });
  });

  test('never starts before every input is past the readiness delay of its push', () => {
    const pushedAt = new Map([
      ['main', T0 - 60_000],
      ['g1', T0 - 1200],
    ]);
    const d = decide(input({ pushedAt }));
    expect(d).toEqual({ kind: 'wait', until: T0 - 1200 + 5000, reason: expect.stringMatching(/readiness/) });
    expect(decide(input({ pushedAt, now: T0 + 3800 })).kind).toBe('start');
  });

  test('an update of a running session keeps its id', () => {
    const d = decide(
      input({ desired: plan('main', 'g1', 'g2'), applied: running(plan('main', 'g1')), epoch: 1 }),
    );
    expect(d).toMatchObject({ kind: 'start', sessionId: 'r1_1', epoch: 1, newSession: false });
  });

  test('starts for one room are spaced by the minimum interval', () => {
    const d = decide(input({ lastStartRequestAt: T0 - 400 }));
    expect(d).toMatchObject({ kind: 'wait', until: T0 + 600 });
  });

  test('a cancelled session id is not reused within the reuse window', () => {
    const d = decide(input({ epoch: 0, lastCancel: { sessionId: 'r1_1', at: T0 - 10_000 } }));
    expect(d).toMatchObject({ kind: 'wait', until: T0 + 20_000 });
  });
});

describe('decide: nothing to do', () => {
  test('the same plan as applied sends nothing', () => {
    expect(decide(input({ applied: running(plan('main', 'g1')) })).kind).toBe('noop');
  });

  test('the same plan re-pushed moments ago still sends nothing (readiness only matters for a request)', () => {
    const pushedAt = new Map([
      ['main', T0],
      ['g1', T0],
    ]);
    expect(decide(input({ pushedAt, applied: running(plan('main', 'g1')) })).kind).toBe('noop');
  });

  test('nothing desired and nothing running', () => {
    expect(decide(input({ desired: null })).kind).toBe('noop');
  });

  test('after a timed-out start the same plan is applied again', () => {
    const d = decide(input({ applied: running(plan('main', 'g1'), { uncertain: true }) }));
    expect(d).toMatchObject({ kind: 'start', sessionId: 'r1_1', newSession: false });
  });
});

describe('decide: cancelling', () => {
  test('fewer than two inputs cancels the running session', () => {
    expect(decide(input({ desired: null, applied: running(plan('main', 'g1')) }))).toMatchObject({
      kind: 'cancel',
      sessionId: 'r1_1',
      outputStreamId: 'main',
    });
  });

  test('never cancels before the minimum age after the session’s start', () => {
    const d = decide(
      input({ desired: null, applied: running(plan('main', 'g1'), { lastStartAt: T0 - 2000 }) }),
    );
    expect(d).toMatchObject({ kind: 'wait', until: T0 + 3000 });
  });

  test('an update counts as a start: the cancel waits until the last update + the minimum age', () => {
    // Two guests; one leaves (an update goes out), the other leaves 200 ms later: nothing to mix.
    const session = running(plan('main', 'g1', 'g2'));
    const update = decide(input({ desired: plan('main', 'g1'), applied: session, now: T0 }));
    expect(update).toMatchObject({ kind: 'start', sessionId: 'r1_1', newSession: false });
    const updated = { ...session, plan: plan('main', 'g1'), lastStartAt: T0 };

    for (const now of [T0 + 200, T0 + 4999]) {
      expect(decide(input({ desired: null, applied: updated, now }))).toMatchObject({
        kind: 'wait',
        until: T0 + 5000,
        reason: expect.stringMatching(/last start/),
      });
    }
    expect(decide(input({ desired: null, applied: updated, now: T0 + 5000 }))).toMatchObject({
      kind: 'cancel',
      sessionId: 'r1_1',
    });
  });

  test('an output change also waits for the minimum age after the last update', () => {
    const updated = running(plan('main', 'g1'), { lastStartAt: T0 - 1000 });
    expect(decide(input({ desired: plan('g1', 'main'), applied: updated }))).toMatchObject({
      kind: 'wait',
      until: T0 + 4000,
    });
  });

  test('an output change ends the session first (the platform refuses -508 otherwise)', () => {
    const d = decide(input({ desired: plan('g1', 'main'), applied: running(plan('main', 'g1')) }));
    expect(d).toMatchObject({ kind: 'cancel', sessionId: 'r1_1', outputStreamId: 'main' });
  });
});

describe('samePlan', () => {
  test('ignores slots and roles but not geometry', () => {
    const a = plan('main', 'g1');
    const b: MixPlan = { ...a, inputs: a.inputs.map((t) => ({ ...t, slot: 9, role: 'guest' as const })) };
    expect(samePlan(a, b)).toBe(true);
    const c: MixPlan = {
      ...a,
      inputs: a.inputs.map((t) => (t.rect ? { ...t, rect: { ...t.rect, x: t.rect.x + 1 } } : t)),
    };
    expect(samePlan(a, c)).toBe(false);
  });
});
