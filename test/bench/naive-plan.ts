import type { MixSpec } from '../../src/tencent/mix-spec.js';

/**
 * The plan a demo-style reactor builds (Tencent's MLVB sample, reduced): the main — else the first
 * stream to join — is the 540×960 background, every other stream a 160×240 tile stacked upwards
 * from the bottom-right corner, three to a column. No validation, no crops, no sticky slots.
 * The baseline of the layout engine's plans/s, and the naive reactor's planner.
 */

export interface NaiveStream {
  streamId: string;
  role: 'main' | 'guest';
}

const TILE = { width: 160, height: 240, margin: 10, bottom: 90, perColumn: 3 };
const MAIN = { width: 540, height: 960 };

/** null when fewer than two streams are live. */
export function naivePlan(streams: readonly NaiveStream[]): MixSpec | null {
  if (streams.length < 2) return null;
  const background = streams.find((s) => s.role === 'main') ?? streams[0]!;
  const guests = streams.filter((s) => s !== background);
  return {
    outputStreamId: background.streamId,
    outputType: 0,
    templateId: 0,
    inputs: [
      { streamId: background.streamId, layer: 1, inputType: 0 },
      ...guests.map((guest, i) => {
        const column = Math.floor(i / TILE.perColumn);
        const row = i % TILE.perColumn;
        return {
          streamId: guest.streamId,
          layer: i + 2,
          inputType: 0 as const,
          rect: {
            x: Math.max(0, MAIN.width - (TILE.width + TILE.margin) * (column + 1)),
            y: Math.max(0, MAIN.height - TILE.bottom - TILE.height * (row + 1)),
            width: TILE.width,
            height: TILE.height,
          },
        };
      }),
    ],
  };
}
