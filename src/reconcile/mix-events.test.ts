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
} from '../../test/support/mix-outcomes.js';
import type { MixOutcome } from '../mix/mix-backend.js';
import type { RoomState } from '../rooms/room-state.js';
import { mixEventSchema } from '../webhooks/event.js';
import { recordOutcome, type SendDecision } from './record-outcome.js';

const start = (guests: string[], sessionId = 'r1_3', newSession = false): SendDecision => ({
  kind: 'start',
  sessionId,
  epoch: Number(sessionId.split('_')[1]),
  newSession,
  plan: plan(...guests),
  reason: 'the desired plan differs',
});
const eventOf = (state: RoomState, decision: SendDecision, outcome: MixOutcome, attempt = first, now = NOW) =>
  recordOutcome(state, decision, outcome, attempt, now).event;

describe('an accepted change raises one event', () => {
  test('a new session: mix.started with the output and every tile in output pixels, by z-order', () => {
    const event = eventOf(room(null, 'pending'), start(['g1'], 'r1_4', true), ok);
    expect(mixEventSchema.parse(event)).toEqual({
      id: expect.stringMatching(/^evt_[0-9a-f]{32}$/),
      type: 'mix.started',
      timestamp: new Date(NOW).toISOString(),
      data: {
        roomId: 'r1',
        sessionId: 'r1_4',
        output: { streamId: 'host', width: 540, height: 960 },
        tiles: [
          {
            streamId: 'host',
            role: 'main',
            media: 'av',
            z: 1,
            rect: { x: 0, y: 0, width: 540, height: 960 },
          },
          {
            streamId: 'g1',
            role: 'guest',
            media: 'av',
            z: 2,
            rect: { x: 380, y: 630, width: 160, height: 240 },
          },
        ],
      },
    });
  });

  test('a new layout of the running session: mix.updated', () => {
    expect(eventOf(room(), start(['g1', 'g2']), ok)?.type).toBe('mix.updated');
  });

  test('an accepted cancel: mix.ended, with no tiles', () => {
    expect(eventOf(room(), cancel, ok)).toMatchObject({
      type: 'mix.ended',
      data: { roomId: 'r1', sessionId: 'r1_3', tiles: [] },
    });
  });

  test('the first accepted start of a session whose creation timed out is its start', () => {
    const uncertain = {
      ...running,
      sessionId: 'r1_4',
      epoch: 4,
      startedAt: NOW - 5000,
      lastStartAt: NOW - 5000,
      uncertain: true,
    };
    expect(eventOf(room(uncertain, 'pending'), start(['g1'], 'r1_4'), ok)?.type).toBe('mix.started');
    // An update that timed out does not make the session new.
    const updateTimedOut = { ...running, uncertain: true };
    expect(eventOf(room(updateTimedOut, 'pending'), start(['g1', 'g2']), ok)?.type).toBe('mix.updated');
  });

  test('mixing again after a failure: mix.recovered, also when the room waited (pending) in between', () => {
    expect(eventOf(room(running, 'failed'), start(['g1', 'g2']), ok)?.type).toBe('mix.recovered');
    const waited = {
      ...room(null),
      meta: { version: 9, status: 'pending' as const, epoch: 3, failedVersion: 7 },
    };
    expect(eventOf(waited, start(['g1'], 'r1_4', true), ok)?.type).toBe('mix.recovered');
  });
});

describe('refusals raise nothing, except the failure itself, once', () => {
  test('a transient error with attempts left, or a timeout: no event', () => {
    expect(eventOf(room(), start(['g1', 'g2']), failed(-505, 'retry'))).toBeUndefined();
    expect(eventOf(room(), start(['g1', 'g2']), failed('timeout', 'retry'))).toBeUndefined();
  });

  test('a permanent error: mix.failed with its code and hint, and the tiles still on air', () => {
    expect(eventOf(room(), start(['g1', 'g2']), failed(-300, 'permanent'))).toMatchObject({
      type: 'mix.failed',
      data: {
        roomId: 'r1',
        output: { streamId: 'host' },
        tiles: [{ streamId: 'host' }, { streamId: 'g1' }],
        error: { code: -300, message: 'answer -300', hint: 'what to do' },
      },
    });
    expect(eventOf(room(), start(['g1', 'g2']), failed(-505, 'retry'), last)?.type).toBe('mix.failed');
  });

  test('a room already failed fails again: no second mix.failed', () => {
    expect(eventOf(room(running, 'failed'), start(['g1', 'g2']), failed(-300, 'permanent'))).toBeUndefined();
    const waited = {
      ...room(null),
      meta: { version: 9, status: 'pending' as const, epoch: 3, failedVersion: 7 },
    };
    expect(eventOf(waited, start(['g1'], 'r1_4', true), failed(-300, 'permanent'))).toBeUndefined();
  });
});

describe('event ids', () => {
  test('the same change computed again later (a crash before the room was written) keeps its id', () => {
    const before = eventOf(room(), start(['g1', 'g2']), ok, first, NOW);
    const again = eventOf(room(), start(['g1', 'g2']), ok, { number: 2, max: 8 }, NOW + 30_000);
    expect(again?.id).toBe(before?.id);
    expect(again?.timestamp).not.toBe(before?.timestamp);
  });

  test('a layout shown twice in a session (A, B, A) gets a new id each time', () => {
    const a = eventOf(room(), start(['g1', 'g2']), ok);
    const back = { ...running, lastStartAt: NOW + 20_000, plan: plan('g1', 'g2', 'g3') };
    const aAgain = eventOf(room(back), start(['g1', 'g2']), ok, first, NOW + 30_000);
    expect(aAgain?.type).toBe('mix.updated');
    expect(aAgain?.id).not.toBe(a?.id);
  });

  test('a different plan from the same room state gets a different id', () => {
    expect(eventOf(room(), start(['g1', 'g2']), ok)?.id).not.toBe(eventOf(room(), start(['g2']), ok)?.id);
  });
});
