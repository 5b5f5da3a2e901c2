import type { Clock } from '../core/clock.js';
import { MAX_CANCELS_PER_WINDOW, MAX_STARTS_PER_WINDOW, PLATFORM_MS } from '../core/platform-rules.js';

/**
 * Watches the client's use of the mix API against the platform's usage rules (seed notes and
 * reference §4). A breach is recorded whatever the platform answered: the request itself is the
 * mistake, and a well-behaved client leaves this list empty.
 */

const RULES = {
  startBeforeReady: 'start-before-ready',
  cancelTooSoon: 'cancel-too-soon',
  sessionReuseTooSoon: 'session-reuse-too-soon',
  sessionStartRate: 'session-start-rate',
  startRate: 'start-rate',
  cancelRate: 'cancel-rate',
} as const;
export type RuleName = (typeof RULES)[keyof typeof RULES];

export interface Violation {
  /** Unix ms (real). */
  at: number;
  rule: RuleName;
  sessionId: string | null;
  detail: string;
  /** The input stream concerned, for start-before-ready. */
  streamId?: string;
}

/** What the platform knew about one input stream of a start when it arrived. */
export interface InputReadiness {
  streamId: string;
  /** Unix ms from which the stream is mixable; absent when it is not live at all. */
  readyAt?: number;
}

const MAX_VIOLATIONS = 10_000;

export class RuleWatch {
  private readonly violations: Violation[] = [];
  private readonly lastStartBySession = new Map<string, number>();
  private readonly startRate = new AccountRate(RULES.startRate, 'starts', MAX_STARTS_PER_WINDOW);
  private readonly cancelRate = new AccountRate(RULES.cancelRate, 'cancels', MAX_CANCELS_PER_WINDOW);

  constructor(private readonly clock: Clock) {}

  onStart(facts: { sessionId: string; inputs: InputReadiness[]; cancelledAt?: number }): void {
    const now = this.clock.now();
    const { sessionId } = facts;

    for (const input of facts.inputs) {
      if (input.readyAt !== undefined && now < input.readyAt) {
        this.record({
          at: now,
          rule: RULES.startBeforeReady,
          sessionId,
          streamId: input.streamId,
          detail: `start of ${sessionId} uses ${input.streamId} ${this.span(input.readyAt - now)} before it is mixable (${PLATFORM_MS.readyDelay} ms after its push)`,
        });
      }
    }

    this.tooSoon(
      RULES.sessionReuseTooSoon,
      sessionId,
      now,
      facts.cancelledAt,
      PLATFORM_MS.sessionReuse,
      (span) =>
        `session id ${sessionId} started again ${span} after its cancel (wait ${PLATFORM_MS.sessionReuse} ms)`,
    );

    const previous = this.lastStartBySession.get(sessionId);
    this.lastStartBySession.set(sessionId, now);
    this.tooSoon(
      RULES.sessionStartRate,
      sessionId,
      now,
      previous,
      PLATFORM_MS.sessionStartInterval,
      (span) =>
        `start of ${sessionId} ${span} after the previous one (at most one per ${PLATFORM_MS.sessionStartInterval} ms)`,
    );

    this.count(this.startRate, now, sessionId);
  }

  /**
   * `lastStartAt`: the session's last accepted start, create or update. "申请混流后，请至少等待5s后再
   * 取消混流": an update is an application for the mix too, so the wait counts from it.
   */
  onCancel(facts: { sessionId: string; lastStartAt?: number }): void {
    const now = this.clock.now();
    const { sessionId } = facts;
    this.tooSoon(
      RULES.cancelTooSoon,
      sessionId,
      now,
      facts.lastStartAt,
      PLATFORM_MS.cancelMinAge,
      (span) =>
        `cancel of ${sessionId} ${span} after its last start or update (wait ${PLATFORM_MS.cancelMinAge} ms)`,
    );
    this.count(this.cancelRate, now, sessionId);
  }

  list(): Violation[] {
    return [...this.violations];
  }

  /** Forgets the recorded violations; the rate and per-session history stays. */
  clear(): void {
    this.violations.length = 0;
  }

  /** Forgets everything, as if no request had ever come. */
  reset(): void {
    this.clear();
    this.lastStartBySession.clear();
    this.startRate.reset();
    this.cancelRate.reset();
  }

  /** Records `rule` when less than `minMs` (platform time) has passed from `since` to `now`, if there was a `since`. */
  private tooSoon(
    rule: RuleName,
    sessionId: string,
    now: number,
    since: number | undefined,
    minMs: number,
    detail: (span: string) => string,
  ): void {
    if (since === undefined || now - since >= this.clock.toReal(minMs)) return;
    this.record({ at: now, rule, sessionId, detail: detail(this.span(now - since)) });
  }

  /** Counts a request against an account-wide rate limit, recording a breach. */
  private count(rate: AccountRate, now: number, sessionId: string): void {
    const breach = rate.add(now, this.clock.toReal(PLATFORM_MS.rateWindow));
    if (breach === undefined) return;
    this.record({
      at: now,
      rule: rate.rule,
      sessionId,
      detail: `${breach} ${rate.what} within ${PLATFORM_MS.rateWindow} ms across the account (limit ${rate.limit})`,
    });
  }

  private record(violation: Violation): void {
    if (this.violations.length >= MAX_VIOLATIONS) this.violations.shift();
    this.violations.push(violation);
  }

  /** A real duration as the platform would count it, e.g. "1200 ms" at any time scale. */
  private span(realMs: number): string {
    return `${Math.round(this.clock.toPlatform(realMs))} ms`;
  }
}

/** An account-wide limit on requests within a sliding window. */
class AccountRate {
  private readonly times: number[] = [];
  private head = 0;
  private lastBreach = Number.NEGATIVE_INFINITY;

  constructor(
    readonly rule: RuleName,
    readonly what: string,
    readonly limit: number,
  ) {}

  /**
   * Adds a request at `now`; returns how many the window holds when that is over the limit. One
   * breach per window is enough to fail a test; a storm would otherwise flood the list.
   */
  add(now: number, windowMs: number): number | undefined {
    this.times.push(now);
    while (this.head < this.times.length && (this.times[this.head] ?? now) <= now - windowMs) this.head += 1;
    if (this.head > 1024) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    const count = this.times.length - this.head;
    if (count <= this.limit || now - this.lastBreach < windowMs) return undefined;
    this.lastBreach = now;
    return count;
  }

  reset(): void {
    this.times.length = 0;
    this.head = 0;
    this.lastBreach = Number.NEGATIVE_INFINITY;
  }
}
