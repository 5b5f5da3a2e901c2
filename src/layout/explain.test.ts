import { describe, expect, test } from 'vitest';
import { LIMITS } from '../tencent/limits.js';
import { explain } from './explain.js';
import { layout } from './layout.js';
import type { RoomSnapshot } from './plan.js';

const studio: RoomSnapshot = {
  roomId: 'studio',
  config: { exclude: ['tech'] },
  streams: [
    { streamId: 'host', role: 'main', media: 'av', joinedAt: 1, width: 540, height: 960 },
    { streamId: 'cam', role: 'guest', media: 'av', joinedAt: 2, width: 640, height: 360 },
    { streamId: 'phone', role: 'guest', media: 'audio', joinedAt: 3, width: 0, height: 0 },
    { streamId: 'tech', role: 'guest', media: 'av', joinedAt: 4, width: 0, height: 0 },
  ],
};

describe('explain', () => {
  test('tells preset, main, audio-only, exclusions, crops and the output in words', () => {
    expect(explain(studio, LIMITS.legacy)).toEqual([
      'room studio: pip, 3 inputs on 540×960, output host (type 0)',
      'tech left out: listed in config.exclude',
      'main: host, the earliest-joined live stream with role main',
      'preset pip: the default, and main host is live',
      'pip: guest tiles are landscape, as 1 of 1 guest pictures are',
      'cam cropped to fill its 240×160 tile without black bars: keeps 540×360 at (50, 0) of its 640×360 picture (84 % of it)',
      'phone is audio-only (its push has no picture): mixed as sound (input_type 4), no tile',
      "output: type 0, the mix replaces host's stream (the main)",
    ]);
  });

  test('agrees with layout: every cropped tile is named, and nothing else is', () => {
    const plan = layout(studio, LIMITS.legacy);
    const cropped = plan?.inputs.filter((t) => t.crop).map((t) => t.streamId) ?? [];
    const said = explain(studio, LIMITS.legacy)
      .filter((line) => line.includes(' cropped '))
      .map((line) => line.split(' ')[0]);
    expect(said).toEqual(cropped);
  });

  test('says why there is no mix', () => {
    const lines = explain({ ...studio, streams: studio.streams.slice(0, 1) }, LIMITS.legacy);
    expect(lines[0]).toBe('room studio: no mix: 1 mixable live stream(s), and a mix needs at least 2');
  });

  test('names streams that moved slot in a compacting room', () => {
    const lines = explain(
      {
        roomId: 'r',
        config: { compact: true },
        streams: [
          { streamId: 'a', role: 'guest', media: 'av', joinedAt: 1, width: 0, height: 0, slot: 3 },
          { streamId: 'b', role: 'guest', media: 'av', joinedAt: 2, width: 0, height: 0, slot: 0 },
        ],
      },
      LIMITS.legacy,
    );
    expect(lines).toContain('a moves from slot 3 to 0 (the room compacts)');
  });
});
