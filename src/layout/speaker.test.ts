import { describe, expect, test } from 'vitest';
import { SPEAKER_DEFAULT_CANVAS, speakerStage } from './speaker.js';

describe('speaker geometry', () => {
  test('on 1280x720 the speaker is 1280x576 and thumbnails are 256x144 along the bottom', () => {
    const cells = speakerStage(SPEAKER_DEFAULT_CANVAS, 3).cells;
    expect(cells).toEqual([
      { x: 0, y: 0, width: 1280, height: 576 },
      { x: 0, y: 576, width: 256, height: 144 },
      { x: 256, y: 576, width: 256, height: 144 },
    ]);
  });

  test('more than five in the strip makes the thumbnails narrower', () => {
    const cells = speakerStage(SPEAKER_DEFAULT_CANVAS, 9).cells;
    expect(cells[1]).toEqual({ x: 0, y: 576, width: 160, height: 144 });
    expect(cells[8]).toEqual({ x: 1120, y: 576, width: 160, height: 144 });
  });

  test('a speaker alone fills the canvas', () => {
    expect(speakerStage(SPEAKER_DEFAULT_CANVAS, 1).cells).toEqual([{ x: 0, y: 0, width: 1280, height: 720 }]);
  });
});
