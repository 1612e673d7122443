import { describe, it, expect } from 'vitest';
import { windowToGrayscale } from '../../../src/derived/windowToGrayscale';

const greys = (pixels: Uint8ClampedArray) => Array.from({ length: pixels.length / 4 }, (_, i) => pixels[i * 4]!);

describe('windowToGrayscale', () => {
  it('maps the window linearly to 0..255 and clamps outside it', () => {
    expect(greys(windowToGrayscale([-5, 0, 50, 100, 200], { low: 0, high: 100 }))).toEqual([0, 0, 128, 255, 255]);
  });

  it('writes opaque grey RGBA', () => {
    expect(Array.from(windowToGrayscale([50], { low: 0, high: 100 }))).toEqual([128, 128, 128, 255]);
  });

  it('non-finite values are black', () => {
    expect(greys(windowToGrayscale([Number.NaN, Number.POSITIVE_INFINITY, 100], { low: 0, high: 100 }))).toEqual([0, 0, 255]);
  });

  it('a zero-width window thresholds; no window is all black', () => {
    expect(greys(windowToGrayscale([6, 7, 8], { low: 7, high: 7 }))).toEqual([0, 0, 255]);
    expect(greys(windowToGrayscale([1, 2], null))).toEqual([255, 255]);
  });
});
