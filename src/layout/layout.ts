import type { MixLimits } from '../tencent/limits.js';
import { compose } from './compose.js';
import type { MixPlan, RoomSnapshot } from './plan.js';

/**
 * The desired mix of a room: a pure function of its snapshot. `null` means no mix should run:
 * fewer than two mixable live streams, or a `pip` room whose main is not live. Every plan it
 * returns passes `validatePlan` with the same `limits` (those of the mix API in use).
 */
export function layout(snapshot: RoomSnapshot, limits: MixLimits): MixPlan | null {
  return compose(snapshot, limits).plan;
}
