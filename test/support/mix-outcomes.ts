import type { MixPlan } from '../../src/layout/plan.js';
import type { MixOutcome } from '../../src/mix/mix-backend.js';
import type { SendDecision } from '../../src/reconcile/record-outcome.js';
import type { RoomState } from '../../src/rooms/room-state.js';
import type { AppliedMix, RoomStatus } from '../../src/rooms/stored.js';

/**
 * One room `r1` mixing session `r1_3` (host plus guests), and the platform's answers to a
 * request about it: what the tests of recording an outcome and of its webhook events start from.
 */

export const T0 = 1_700_000_000_000;
export const NOW = T0 + 60_000;
export const first = { number: 1, max: 8 };
export const last = { number: 8, max: 8 };

/** The host full frame, each guest a small tile stacked up the right edge. */
export function plan(...guests: string[]): MixPlan {
  return {
    preset: 'pip',
    canvas: { width: 540, height: 960 },
    outputStreamId: 'host',
    outputType: 0,
    templateId: 0,
    inputs: [
      { streamId: 'host', layer: 1, inputType: 0, role: 'main' },
      ...guests.map((streamId, i) => ({
        streamId,
        layer: i + 2,
        inputType: 0 as const,
        role: 'guest' as const,
        rect: { x: 380, y: 630 - i * 250, width: 160, height: 240 },
      })),
    ],
  };
}

export const running: AppliedMix = {
  sessionId: 'r1_3',
  epoch: 3,
  plan: plan('g1'),
  startedAt: T0,
  lastStartAt: T0 + 10_000,
  version: 6,
};

export function room(applied: AppliedMix | null = running, status: RoomStatus = 'mixing'): RoomState {
  // A failed room keeps the version it failed at until a start is accepted.
  const failed = status === 'failed' ? { failedVersion: 6 } : {};
  return {
    roomId: 'r1',
    meta: { version: 7, status, epoch: 3, ...failed },
    config: undefined,
    streams: [],
    applied,
    causes: [],
  };
}

export const cancel: SendDecision = {
  kind: 'cancel',
  sessionId: 'r1_3',
  outputStreamId: 'host',
  reason: 'nothing to mix',
};

export const ok: MixOutcome = { request: {}, response: { code: 0 }, durationMs: 40 };

export function failed(code: -505 | -300 | 'timeout', cls: 'retry' | 'permanent'): MixOutcome {
  return {
    request: {},
    response: {},
    durationMs: 40,
    error: { code, class: cls, meaning: 'what it means', hint: 'what to do', message: `answer ${code}` },
  };
}
