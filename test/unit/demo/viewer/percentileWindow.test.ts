import { describe, expect, it } from 'vitest';
import { percentileWindow } from '../../../../demo/viewer/percentileWindow';

describe('percentileWindow (demo 2D fallback)', () => {
  it('takes the 2nd and 98th percentiles, so outliers do not stretch the window', () => {
    const values = Array.from({ length: 100 }, (_, index) => index);
    values.push(1e9);
    const window = percentileWindow(values);
    expect(window.min).toBe(2);
    expect(window.max).toBe(98);
  });

  it('ignores NaN and infinities', () => {
    expect(percentileWindow([Number.NaN, 1, 2, 3, Number.POSITIVE_INFINITY], 0, 1)).toEqual({ min: 1, max: 3 });
  });

  it('falls back to the full range when the percentiles meet (mostly background)', () => {
    const values = new Float32Array(1000);
    values[999] = 50;
    expect(percentileWindow(values)).toEqual({ min: 0, max: 50 });
  });

  it('gives a constant or empty image a unit window instead of dividing by zero', () => {
    expect(percentileWindow([7, 7, 7])).toEqual({ min: 7, max: 8 });
    expect(percentileWindow([])).toEqual({ min: 0, max: 1 });
  });
});
