import { expect } from 'vitest';
import { explain } from '../../src/layout/explain.js';
import { layout } from '../../src/layout/layout.js';
import type { MixPlan, RoomSnapshot } from '../../src/layout/plan.js';
import { validatePlan } from '../../src/layout/validate.js';
import { LIMITS } from '../../src/tencent/limits.js';

/** The legacy backend's plan for the room, which must exist (else why not) and pass validation. */
export function planOf(snapshot: RoomSnapshot): MixPlan {
  const plan = layout(snapshot, LIMITS.legacy);
  if (!plan) throw new Error(`expected a plan:\n${explain(snapshot, LIMITS.legacy).join('\n')}`);
  expect(validatePlan(plan, LIMITS.legacy)).toEqual({ ok: true });
  return plan;
}

/** The plan's input for a stream. */
export const tile = (plan: MixPlan, id: string) => plan.inputs.find((t) => t.streamId === id);

/** The plan's streams, bottom layer first. */
export const ids = (plan: MixPlan) => plan.inputs.map((t) => t.streamId);
