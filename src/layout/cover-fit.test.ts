import { describe, expect, test } from 'vitest';
import { coverCrop } from './cover-fit.js';

describe('cover fit', () => {
  test('a 640x360 landscape source in a 160x240 tile keeps its centre 240x360', () => {
    expect(coverCrop({ width: 640, height: 360 }, { width: 160, height: 240 })).toEqual({
      x: 200,
      y: 0,
      width: 240,
      height: 360,
    });
  });

  test('a 540x960 portrait source in a 640x360 tile keeps its centre 540x304', () => {
    expect(coverCrop({ width: 540, height: 960 }, { width: 640, height: 360 })).toEqual({
      x: 0,
      y: 328,
      width: 540,
      height: 304,
    });
  });

  test('the same aspect needs no crop', () => {
    expect(coverCrop({ width: 1280, height: 720 }, { width: 640, height: 360 })).toBeUndefined();
    expect(coverCrop({ width: 540, height: 960 }, { width: 540, height: 960 })).toBeUndefined();
  });

  test('an unknown resolution (0) is not cropped', () => {
    expect(coverCrop({ width: 0, height: 0 }, { width: 160, height: 240 })).toBeUndefined();
    expect(coverCrop({ width: 640, height: 0 }, { width: 160, height: 240 })).toBeUndefined();
  });

  test('an aspect difference under a source pixel is not cropped', () => {
    // 853x480 is 16:9 to within 0.2 px of height: cropping would keep all 480 rows anyway.
    expect(coverCrop({ width: 853, height: 480 }, { width: 1280, height: 720 })).toBeUndefined();
    // One whole pixel is worth a crop.
    expect(coverCrop({ width: 1281, height: 720 }, { width: 1280, height: 720 })).toEqual({
      x: 0,
      y: 0,
      width: 1280,
      height: 720,
    });
  });

  test('an odd margin puts the extra pixel on the far side, and the crop stays inside', () => {
    const crop = coverCrop({ width: 641, height: 360 }, { width: 160, height: 240 });
    expect(crop).toEqual({ x: 200, y: 0, width: 240, height: 360 });
  });
});
