import type { MixPlan, Tile } from '../layout/plan.js';
import { INPUT_TYPES } from '../tencent/limits.js';
import type { Rect } from '../tencent/mix-spec.js';
import type { ViewerTile } from './event.js';

/**
 * A plan's inputs as the viewer of the output sees them: rectangles in output pixels (a plan may
 * give fractions of the background, and the background itself no rectangle), z-order, crop and
 * media. Audio-only inputs, and inputs a platform template places, have no rectangle. Pure.
 */
export function viewerTiles(plan: MixPlan): ViewerTile[] {
  return [...plan.inputs].sort((a, b) => a.layer - b.layer).map((tile) => viewerTile(tile, plan));
}

const MEDIA: Record<Tile['inputType'], ViewerTile['media']> = {
  [INPUT_TYPES.av]: 'av',
  [INPUT_TYPES.audio]: 'audio',
  [INPUT_TYPES.video]: 'video',
  [INPUT_TYPES.picture]: 'picture',
  [INPUT_TYPES.canvas]: 'canvas',
};

function viewerTile(tile: Tile, plan: MixPlan): ViewerTile {
  const media = MEDIA[tile.inputType];
  const rect = media === 'audio' ? undefined : placed(tile, plan);
  return {
    streamId: tile.streamId,
    role: tile.role,
    media,
    z: tile.layer,
    ...(rect ? { rect } : {}),
    ...(tile.crop ? { crop: tile.crop } : {}),
  };
}

function placed(tile: Tile, plan: MixPlan): Rect | undefined {
  const { width: W, height: H } = plan.canvas;
  // The background fills the canvas; other inputs of a template are placed by the platform.
  if (!tile.rect) return tile.layer === 1 ? { x: 0, y: 0, width: W, height: H } : undefined;
  // Values in (0, 1) are fractions of the background (src/layout/validate.ts reads them the same way).
  const px = (v: number, base: number) => Math.round(v > 0 && v < 1 ? v * base : v);
  const { x, y, width, height } = tile.rect;
  return { x: px(x, W), y: px(y, H), width: px(width, W), height: px(height, H) };
}
