import type { MixLimits } from '../tencent/limits.js';
import type { Size, SnapshotStream } from './plan.js';

/** A stream's resolution when both sides are known pixel counts; undefined when unknown (0). */
export function knownSize(stream: SnapshotStream): Size | undefined {
  const { width, height } = stream;
  return Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0
    ? { width, height }
    : undefined;
}

/** The platform refuses inputs beyond 3000 px a side (seed -4), API 3.0 beyond 2000 (-10021). */
export function exceedsInputLimit(size: Size, limits: MixLimits): boolean {
  return size.width > limits.maxPixels || size.height > limits.maxPixels;
}

export function hasVideo(stream: SnapshotStream): boolean {
  return stream.media !== 'audio';
}

export function formatSize(size: Size): string {
  return `${size.width}×${size.height}`;
}
