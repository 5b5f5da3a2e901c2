import { compose } from './compose.js';
import type { MixPlan, RoomSnapshot } from './plan.js';

/**
 * The desired mix of a room: a pure function of its snapshot. `null` means no mix should run:
 * fewer than two mixable live streams, or a `pip` room whose main is not live. Every plan it
 * returns passes `validatePlan`.
 */
export function layout(snapshot: RoomSnapshot): MixPlan | null {
  return compose(snapshot).plan;
}
