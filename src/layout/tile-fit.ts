import type { Rect } from '../tencent/mix-spec.js';
import { containRect, coverCrop } from './cover-fit.js';
import type { FillMode, Size, SnapshotStream, Tile } from './plan.js';
import { formatSize, knownSize } from './source-size.js';

/**
 * Where a stream's picture goes in its tile, by fill mode, with the reason in words: `cover`
 * crops the source to the tile's aspect (and says what share of the picture is kept), `contain`
 * shows all of it, scaled into the tile and centred. `unknown` is set when the source size is not
 * known yet: the tile is the whole rect, and the platform may letterbox.
 */
export interface FittedPicture {
  rect: Rect;
  crop?: Rect;
  source?: Size;
  unknown: boolean;
}

export function fitPicture(s: SnapshotStream, rect: Rect, fill: FillMode, reasons: string[]): FittedPicture {
  const source = knownSize(s);
  if (!source) return { rect, unknown: true };
  if (fill === 'contain') {
    const inner = containRect(source, rect) ?? rect;
    if (inner.width !== rect.width || inner.height !== rect.height) {
      reasons.push(
        `${s.streamId} shown whole (contain) in its ${formatSize(rect)} tile: ${formatSize(inner)} at ` +
          `(${inner.x}, ${inner.y}), the canvas around it`,
      );
    }
    return { rect: inner, unknown: false };
  }
  const crop = coverCrop(source, rect);
  if (!crop) return { rect, unknown: false };
  const kept = Math.round((100 * crop.width * crop.height) / (source.width * source.height));
  reasons.push(
    `${s.streamId} cropped to fill its ${formatSize(rect)} tile without black bars: ` +
      `keeps ${formatSize(crop)} at (${crop.x}, ${crop.y}) of its ${formatSize(source)} picture (${kept} % of it)`,
  );
  return { rect, crop, source, unknown: false };
}

/** The geometry fields of a tile from a fitted picture. */
export function placeTile(tile: Tile, fitted: FittedPicture): Tile {
  tile.rect = fitted.rect;
  if (fitted.crop && fitted.source) {
    tile.crop = fitted.crop;
    tile.source = fitted.source;
  }
  return tile;
}

/** Canvas, picture and avatar inputs need a name of their own that no stream or the output uses. */
export function freeLabel(base: string, taken: Set<string>): string {
  const stem = base.slice(0, 76);
  let label = stem;
  for (let i = 1; taken.has(label); i++) label = `${stem}_${i}`;
  taken.add(label);
  return label;
}

const MAX_PICTURE_ID = 2 ** 31 - 1;

export function isPictureId(v: number | undefined): v is number {
  return v !== undefined && Number.isInteger(v) && v > 0 && v <= MAX_PICTURE_ID;
}
