import { describe, expect, test } from 'vitest';
import {
  cancel,
  failed,
  first,
  last,
  NOW,
  ok,
  plan,
  room,
  running,
  T0,
} from '../../test/support/mix-outcomes.js';
import { recordOutcome, type SendDecision } from './record-outcome.js';

const update = (sessionId = 'r1_3', epoch = 3, newSession = false): SendDecision => ({
  kind: 'start',
  sessionId,
  epoch,
  newSession,
  plan: plan('g1', 'g2'),
  reason: 'the desired plan differs',
});

describe('recordOutcome: an accepted request', () => {
  test('an accepted update keeps the session’s first start and records this one as its last', () => {
    const { update: stored, result } = recordOutcome(room(), update(), ok, first, NOW);
    expect(stored).toEqual({
      lastStartRequestAt: NOW,
      applied: {
        sessionId: 'r1_3',
        epoch: 3,
        plan: plan('g1', 'g2'),
        startedAt: T0,
        lastStartAt: NOW,
        version: 7,
      },
      epoch: 3,
      status: 'mixing',
      lastError: null,
      failedVersion: null,
    });
    expect(result).toEqual({ kind: 'done', summary: 'started r1_3', version: 7 });
  });

  test('an accepted new session starts its age now and raises the room’s epoch', () => {
    const { update: stored } = recordOutcome(room(null), update('r1_4', 4, true), ok, first, NOW);
    expect(stored.applied).toMatchObject({ sessionId: 'r1_4', startedAt: NOW, lastStartAt: NOW });
    expect(stored.epoch).toBe(4);
  });

  test('an accepted cancel forgets the mix, remembers the cancelled id and asks for a rerun', () => {
    const { update: stored, result } = recordOutcome(room(), cancel, ok, first, NOW);
    expect(stored).toEqual({
      applied: null,
      lastCancel: { sessionId: 'r1_3', at: NOW },
      status: 'pending',
      lastError: null,
      failedVersion: null,
    });
    expect(result).toEqual({ kind: 'rerun', summary: 'cancelled r1_3', version: 7 });
  });
});

describe('recordOutcome: a refused or unanswered request', () => {
  test('a transient error with attempts left is retried, the room pending with the error shown', () => {
    const { update: stored, result } = recordOutcome(room(), update(), failed(-505, 'retry'), first, NOW);
    expect(stored).toEqual({
      lastStartRequestAt: NOW,
      status: 'pending',
      lastError: { code: -505, message: 'answer -505', hint: 'what to do', at: NOW, op: 'start' },
    });
    expect(result).toMatchObject({ kind: 'retry', error: { code: -505 }, version: 7 });
  });

  test('a transient error on the last attempt fails the room at this version', () => {
    const { update: stored, result } = recordOutcome(room(), update(), failed(-505, 'retry'), last, NOW);
    expect(stored).toMatchObject({ status: 'failed', failedVersion: 7, lastError: { code: -505 } });
    expect(result).toEqual({
      kind: 'done',
      summary: 'start failed with -505 (retries exhausted)',
      version: 7,
    });
  });

  test('a permanent error fails the room at once, whatever attempts are left', () => {
    const { update: stored, result } = recordOutcome(room(), update(), failed(-300, 'permanent'), first, NOW);
    expect(stored).toMatchObject({ status: 'failed', failedVersion: 7 });
    expect(stored.applied).toBeUndefined();
    expect(result).toEqual({ kind: 'done', summary: 'start failed with -300 (permanent)', version: 7 });
  });

  test('a start that timed out is recorded as uncertain, so the next attempt re-applies or cancels it', () => {
    const { update: stored, result } = recordOutcome(
      room(null),
      update('r1_4', 4, true),
      failed('timeout', 'retry'),
      first,
      NOW,
    );
    expect(stored.applied).toEqual({
      sessionId: 'r1_4',
      epoch: 4,
      plan: plan('g1', 'g2'),
      startedAt: NOW,
      lastStartAt: NOW,
      version: 7,
      uncertain: true,
    });
    expect(stored.epoch).toBe(4);
    expect(result.kind).toBe('retry');
  });

  test('a cancel that timed out keeps the mix as uncertain and its id as cancelled, so it is never reused', () => {
    const { update: stored } = recordOutcome(room(), cancel, failed('timeout', 'retry'), first, NOW);
    expect(stored.applied).toEqual({ ...running, uncertain: true });
    expect(stored.lastCancel).toEqual({ sessionId: 'r1_3', at: NOW });
    expect(stored.lastStartRequestAt).toBeUndefined();
  });
});
