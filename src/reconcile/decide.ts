import type { Config } from '../config.js';
import type { MixPlan } from '../layout/plan.js';
import type { MixSpec } from '../tencent/mix-spec.js';

/**
 * What to do about one room now: the pure heart of the reconcile. Given the desired plan, what the
 * platform last accepted and the clock, it returns at most one request to close the gap, or says
 * how long the platform's timing rules ask us to wait.
 */

export interface Timing {
  /** An input is mixable this long after its push. */
  readyDelayMs: number;
  /** A session may be cancelled this long after its last accepted start, create or update. */
  cancelMinAgeMs: number;
  /** A cancelled session id may be used again after this long. */
  sessionReuseMs: number;
  /** Starts for one room are at least this far apart ("don't call the mix API too often"). */
  minStartIntervalMs: number;
}

/** The platform's timing rules as configured; the reconcile and the dry run must share them. */
export function timingFrom(
  config: Pick<
    Config,
    'MIX_READY_DELAY_MS' | 'MIX_CANCEL_MIN_AGE_MS' | 'MIX_SESSION_REUSE_MS' | 'MIX_MIN_START_INTERVAL_MS'
  >,
): Timing {
  return {
    readyDelayMs: config.MIX_READY_DELAY_MS,
    cancelMinAgeMs: config.MIX_CANCEL_MIN_AGE_MS,
    sessionReuseMs: config.MIX_SESSION_REUSE_MS,
    minStartIntervalMs: config.MIX_MIN_START_INTERVAL_MS,
  };
}

export interface AppliedView {
  sessionId: string;
  epoch: number;
  plan: MixPlan;
  /**
   * The last start the platform accepted (or may have: timed out), create or update: an update is
   * an application for the mix like the first one, so the cancel age counts from here.
   */
  lastStartAt: number;
  /** A start timed out: the platform may run this plan, or the previous one, or none. */
  uncertain?: boolean | undefined;
}

export interface DecideInput {
  roomId: string;
  desired: MixPlan | null;
  applied: AppliedView | null;
  /** Push time of every stream input of `desired`. */
  pushedAt: ReadonlyMap<string, number>;
  /** The highest session epoch used so far. */
  epoch: number;
  lastStartRequestAt?: number;
  lastCancel?: { sessionId: string; at: number };
  now: number;
  timing: Timing;
}

export type Decision =
  | { kind: 'noop'; reason: string }
  | { kind: 'wait'; until: number; reason: string }
  | { kind: 'start'; sessionId: string; epoch: number; newSession: boolean; plan: MixPlan; reason: string }
  | { kind: 'cancel'; sessionId: string; outputStreamId: string; reason: string };

export function sessionIdFor(roomId: string, epoch: number): string {
  return `${roomId}_${epoch}`;
}

export function decide(input: DecideInput): Decision {
  const { desired, applied, now, timing } = input;

  if (!desired) {
    if (!applied) return { kind: 'noop', reason: 'nothing to mix and nothing running' };
    return cancelWhenOldEnough(applied, now, timing, 'fewer than two inputs to mix');
  }

  if (applied && applied.plan.outputStreamId !== desired.outputStreamId) {
    // Same session id with another output is refused (-508): end this session, start a new one.
    return cancelWhenOldEnough(
      applied,
      now,
      timing,
      `the output moves from ${applied.plan.outputStreamId} to ${desired.outputStreamId}`,
    );
  }

  if (applied?.uncertain && input.lastCancel?.sessionId === applied.sessionId) {
    // A cancel of this session timed out: it may be gone, and a cancelled id must not start again.
    return cancelWhenOldEnough(applied, now, timing, 'the last cancel timed out: finish it');
  }

  if (applied && !applied.uncertain && samePlan(applied.plan, desired)) {
    return { kind: 'noop', reason: 'the platform runs the desired plan' };
  }

  const readyAt = latestReadiness(desired, input.pushedAt, timing.readyDelayMs);
  if (readyAt > now) {
    return { kind: 'wait', until: readyAt, reason: 'an input was pushed less than the readiness delay ago' };
  }

  if (input.lastStartRequestAt !== undefined && input.lastStartRequestAt + timing.minStartIntervalMs > now) {
    return {
      kind: 'wait',
      until: input.lastStartRequestAt + timing.minStartIntervalMs,
      reason: 'the previous start was less than the minimum interval ago',
    };
  }

  if (applied) {
    return {
      kind: 'start',
      sessionId: applied.sessionId,
      epoch: applied.epoch,
      newSession: false,
      plan: desired,
      reason: applied.uncertain
        ? 'the last start timed out: apply again'
        : 'the layout changed: update the session',
    };
  }

  const epoch = input.epoch + 1;
  const sessionId = sessionIdFor(input.roomId, epoch);
  const reusableAt =
    input.lastCancel?.sessionId === sessionId ? input.lastCancel.at + timing.sessionReuseMs : 0;
  if (reusableAt > now) {
    return { kind: 'wait', until: reusableAt, reason: `session ${sessionId} was cancelled too recently` };
  }
  return { kind: 'start', sessionId, epoch, newSession: true, plan: desired, reason: 'start a new session' };
}

/** "Wait at least 5 s after applying for a mix before cancelling it" — after every application. */
function cancelWhenOldEnough(applied: AppliedView, now: number, timing: Timing, why: string): Decision {
  const cancellableAt = applied.lastStartAt + timing.cancelMinAgeMs;
  if (cancellableAt > now) {
    return {
      kind: 'wait',
      until: cancellableAt,
      reason: `${why}; the last start was less than the cancel minimum age ago`,
    };
  }
  return {
    kind: 'cancel',
    sessionId: applied.sessionId,
    outputStreamId: applied.plan.outputStreamId,
    reason: why,
  };
}

/** The moment every stream input of the plan is mixable (canvas and pictures are always ready). */
function latestReadiness(plan: MixPlan, pushedAt: ReadonlyMap<string, number>, readyDelayMs: number): number {
  let latest = 0;
  for (const tile of plan.inputs) {
    if (tile.role === 'canvas' || tile.role === 'picture') continue;
    const at = pushedAt.get(tile.streamId);
    if (at !== undefined) latest = Math.max(latest, at + readyDelayMs);
  }
  return latest;
}

/**
 * A room's status from what it should mix and what the platform last accepted: `idle` (nothing
 * either way), `mixing` (the platform runs the desired plan for sure), else `pending`.
 */
export function statusOf(
  desired: MixSpec | null,
  applied: AppliedView | null,
): 'idle' | 'mixing' | 'pending' {
  if (!desired && !applied) return 'idle';
  if (desired && applied && !applied.uncertain && samePlan(desired, applied.plan)) return 'mixing';
  return 'pending';
}

/** Two plans are the same request when their wire-relevant parts match; slots and roles are ours. */
export function samePlan(a: MixSpec, b: MixSpec): boolean {
  return wireKey(a) === wireKey(b);
}

function wireKey(spec: MixSpec): string {
  return JSON.stringify([
    spec.outputStreamId,
    spec.outputType,
    spec.templateId,
    spec.bitrate ?? null,
    spec.inputs.map((i) => [
      i.streamId,
      i.layer,
      i.inputType,
      i.rect ? [i.rect.x, i.rect.y, i.rect.width, i.rect.height] : null,
      i.crop ? [i.crop.x, i.crop.y, i.crop.width, i.crop.height] : null,
      i.color ?? null,
      i.pictureId ?? null,
    ]),
  ]);
}
