import { z } from 'zod';
import { type Random, seededRandom } from './prng.js';
import type { LoggedOp } from './request-log.js';

/**
 * Injected faults: slow, lost and failed mix requests, lost/duplicated/late callbacks. Chances come
 * from a PRNG seeded by the plan, and every mix request draws the same numbers in the same order
 * whatever happens to it, so the same seed and the same request sequence give the same outcomes.
 * Callbacks draw from a second generator: their timing cannot shift the mix requests' outcomes.
 *
 * Durations here are real milliseconds (they describe the test, not the platform), never scaled.
 */

const rate = z.number().min(0).max(1);

/** An API 3.0 `Error.Code` (`ServiceUnavailable`, `InternalError.Whatever`): it has no legacy form. */
const api3Code = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]*(\.[A-Za-z0-9]+)*$/, 'an API 3.0 code such as "ServiceUnavailable"');

const scriptEntrySchema = z.strictObject({
  /** Only requests of this kind consume the entry; absent = any. */
  op: z.enum(['start', 'cancel']).optional(),
  /**
   * An error code to answer, or `timeout` (hold unanswered) or `http5xx`. 0 = answer normally. An
   * API 3.0 code (a string such as `ServiceUnavailable`) is answered as is, and only API 3.0
   * requests consume it: the legacy CGI has no such code.
   */
  code: z.union([z.number().int(), z.literal('timeout'), z.literal('http5xx'), api3Code]),
  times: z.number().int().min(1).max(1_000_000).default(1),
});

export const faultPlanSchema = z.strictObject({
  seed: z.number().int().default(1),
  /** Added before every mix answer. */
  latencyMs: z.number().min(0).max(600_000).default(0),
  /** Chance a mix request is held without an answer until the client gives up. */
  timeoutRate: rate.default(0),
  /** Chance a mix request gets HTTP 503. */
  http5xxRate: rate.default(0),
  /** Chance per code that a mix request is answered with it instead of being processed. */
  codeRates: z
    .record(z.string().regex(/^-?\d+$/, 'a numeric code such as "-10031"'), rate)
    .default({})
    .refine(
      (rates) => Object.values(rates).reduce((a, b) => a + b, 0) <= 1 + 1e-9,
      'the rates add up to more than 1',
    ),
  /** Chance a callback is never delivered (every attempt lost). */
  callbackDrop: rate.default(0),
  /** Chance a callback is delivered twice. */
  callbackDuplicate: rate.default(0),
  /** Each callback (and duplicate) waits a random 0..N ms first, so callbacks can overtake each other. */
  callbackReorderMs: z.number().min(0).max(600_000).default(0),
  /** A timed-out request is applied anyway before being held: the outcome the client cannot know. */
  timeoutApplies: z.boolean().default(false),
  /** Deterministic answers consumed in order before the rates apply. */
  script: z.array(scriptEntrySchema).max(10_000).default([]),
});
export type FaultPlanInput = z.input<typeof faultPlanSchema>;
export type FaultPlan = z.output<typeof faultPlanSchema>;
type ScriptEntry = z.output<typeof scriptEntrySchema>;

export type MixFaultAction =
  | { kind: 'none' }
  | { kind: 'timeout'; source: 'rate' | 'script' }
  | { kind: 'http5xx'; source: 'rate' | 'script' }
  | { kind: 'code'; code: number; source: 'rate' | 'script' }
  /** An API 3.0 error code, scripted; drawn by API 3.0 requests only. */
  | { kind: 'api3Code'; code: string };

export interface MixFault {
  latencyMs: number;
  action: MixFaultAction;
  /** The request is processed even though its answer is withheld. */
  applyDespiteTimeout: boolean;
}

export interface CallbackFault {
  drop: boolean;
  duplicate: boolean;
  delayMs: number;
  duplicateDelayMs: number;
}

const NO_MIX_FAULT: MixFault = { latencyMs: 0, action: { kind: 'none' }, applyDespiteTimeout: false };
const NO_CALLBACK_FAULT: CallbackFault = { drop: false, duplicate: false, delayMs: 0, duplicateDelayMs: 0 };

export class FaultInjector {
  private plan: FaultPlan | null = null;
  private script: ScriptEntry[] = [];
  private mixRandom: Random = seededRandom(0);
  private callbackRandom: Random = seededRandom(0);

  /** Replaces the plan and restarts both generators from its seed. */
  set(plan: FaultPlan): void {
    this.plan = plan;
    this.script = plan.script.map((entry) => ({ ...entry }));
    this.mixRandom = seededRandom(plan.seed);
    // A second, decorrelated stream for callbacks.
    this.callbackRandom = seededRandom(Math.imul(plan.seed ^ 0x5bd1e995, 0x27d4eb2d));
  }

  clear(): void {
    this.plan = null;
    this.script = [];
  }

  view(): { plan: FaultPlan | null; scriptRemaining: ScriptEntry[] } {
    return { plan: this.plan, scriptRemaining: this.script.map((entry) => ({ ...entry })) };
  }

  /** The fault for one mix request; `protocol` says which front-end took it (API 3.0 codes are its own). */
  forMix(op: LoggedOp, protocol: 'legacy' | 'api3' = 'legacy'): MixFault {
    const plan = this.plan;
    if (!plan) return NO_MIX_FAULT;
    const timeoutDraw = this.mixRandom();
    const http5xxDraw = this.mixRandom();
    const codeDraw = this.mixRandom();
    const fault = (action: MixFaultAction): MixFault => ({
      latencyMs: plan.latencyMs,
      action,
      applyDespiteTimeout: action.kind === 'timeout' && plan.timeoutApplies,
    });

    const scripted = this.consumeScript(op, protocol);
    if (scripted) {
      if (scripted.code === 'timeout') return fault({ kind: 'timeout', source: 'script' });
      if (scripted.code === 'http5xx') return fault({ kind: 'http5xx', source: 'script' });
      if (isApi3Code(scripted.code)) return fault({ kind: 'api3Code', code: scripted.code });
      if (scripted.code !== 0) return fault({ kind: 'code', code: scripted.code, source: 'script' });
      return fault({ kind: 'none' });
    }
    if (timeoutDraw < plan.timeoutRate) return fault({ kind: 'timeout', source: 'rate' });
    if (http5xxDraw < plan.http5xxRate) return fault({ kind: 'http5xx', source: 'rate' });
    let cumulative = 0;
    for (const [code, chance] of Object.entries(plan.codeRates)) {
      cumulative += chance;
      if (codeDraw < cumulative) return fault({ kind: 'code', code: Number(code), source: 'rate' });
    }
    return fault({ kind: 'none' });
  }

  forCallback(): CallbackFault {
    const plan = this.plan;
    if (!plan) return NO_CALLBACK_FAULT;
    const drop = this.callbackRandom() < plan.callbackDrop;
    const duplicate = this.callbackRandom() < plan.callbackDuplicate;
    const delayMs = this.callbackRandom() * plan.callbackReorderMs;
    const duplicateDelayMs = this.callbackRandom() * plan.callbackReorderMs;
    return { drop, duplicate, delayMs, duplicateDelayMs };
  }

  private consumeScript(op: LoggedOp, protocol: 'legacy' | 'api3'): ScriptEntry | undefined {
    const index = this.script.findIndex(
      (entry) =>
        (entry.op === undefined || entry.op === op) && (protocol === 'api3' || !isApi3Code(entry.code)),
    );
    const entry = this.script[index];
    if (!entry) return undefined;
    entry.times -= 1;
    if (entry.times <= 0) this.script.splice(index, 1);
    return entry;
  }
}

function isApi3Code(code: ScriptEntry['code']): code is string {
  return typeof code === 'string' && code !== 'timeout' && code !== 'http5xx';
}
