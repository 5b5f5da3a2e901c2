/** The layout engine's public surface: snapshot in, plan (and its reasons and picture) out. */
export { explain } from './explain.js';
export { layout } from './layout.js';
export type {
  BasePreset,
  Media,
  MixPlan,
  Preset,
  Role,
  RoomConfig,
  RoomSnapshot,
  Size,
  SnapshotStream,
  Tile,
  TileRole,
} from './plan.js';
export { PRESETS } from './plan.js';
export { renderSvg, type SvgOptions } from './svg.js';
export { type PlanCheck, validatePlan } from './validate.js';
