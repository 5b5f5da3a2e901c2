import type { MixLimits } from '../tencent/limits.js';
import { compose } from './compose.js';
import type { RoomSnapshot } from './plan.js';

/**
 * Why `layout(snapshot)` is what it is, one sentence a line: a summary first, then who was left
 * out and why, who is main, which preset and why (template fallbacks included), who was dropped
 * from a full mix, what was cropped, who is audio-only, the output. Same computation as `layout`.
 */
export function explain(snapshot: RoomSnapshot, limits: MixLimits): string[] {
  return compose(snapshot, limits).reasons;
}
