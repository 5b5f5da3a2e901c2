import { STREAM_ID_PATTERN } from '../tencent/limits.js';
import type { RoomSnapshot } from './plan.js';

/** Where the mix goes. Type 0 replaces an input, chosen once the inputs are known. */
export type OutputTarget = { type: 0 } | { type: 1; streamId: string };

/** `<room>_mix`, made a valid stream name: other characters become `_`, cut to 80 bytes. */
export function defaultOutputStreamId(roomId: string): string {
  const suffix = '_mix';
  return roomId.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 80 - suffix.length) + suffix;
}

export function resolveOutputTarget(snapshot: RoomSnapshot, reasons: string[]): OutputTarget {
  const output = snapshot.config.output;
  if (output === undefined) return { type: 0 };
  if (output.type !== 1) {
    if (output.type !== 0) reasons.push(`output type ${String(output.type)} is neither 0 nor 1: using 0`);
    return { type: 0 };
  }
  const fallback = defaultOutputStreamId(snapshot.roomId);
  if (output.streamId === undefined) return { type: 1, streamId: fallback };
  if (!STREAM_ID_PATTERN.test(output.streamId)) {
    reasons.push(
      `output stream ${JSON.stringify(output.streamId)} is not 1-80 letters, digits or underscores: using ${fallback}`,
    );
    return { type: 1, streamId: fallback };
  }
  return { type: 1, streamId: output.streamId };
}
