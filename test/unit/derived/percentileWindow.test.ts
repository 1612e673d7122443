import { describe, it, expect } from 'vitest';
import { percentileWindow } from '../../../src/derived/percentileWindow';
import { createRandom } from '../support/random';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('percentileWindow', () => {
  it('is the 2nd and 98th percentile, interpolated between ranks', () => {
    expect(percentileWindow(range(101))).toEqual({ low: 2, high: 98 });
    // 0..9: rank 0.18 and 8.82.
    const window = percentileWindow(range(10))!;
    expect(window.low).toBeCloseTo(0.18, 10);
    expect(window.high).toBeCloseTo(8.82, 10);
  });

  it('does not depend on the order of the values', () => {
    const random = createRandom(3);
    const values = range(1000).map((i) => i * 1.5);
    const shuffled = [...values].sort(() => random() - 0.5);
    expect(percentileWindow(shuffled)).toEqual(percentileWindow(values));
  });

  it('ignores a few extreme outliers', () => {
    const values = [...range(1000), 1e9, -1e9];
    const window = percentileWindow(values)!;
    expect(window.low).toBeGreaterThan(10);
    expect(window.high).toBeLessThan(990);
  });

  it('skips NaN and infinities', () => {
    expect(percentileWindow([Number.NaN, ...range(101), Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])).toEqual({ low: 2, high: 98 });
  });

  it('widens to min..max when the percentiles coincide (a sparse mask)', () => {
    const mask = range(1000).map((i) => (i % 100 === 0 ? 1 : 0));
    expect(percentileWindow(mask)).toEqual({ low: 0, high: 1 });
  });

  it('a constant image gives a zero-width window; no finite value gives null', () => {
    expect(percentileWindow([7, 7, 7])).toEqual({ low: 7, high: 7 });
    expect(percentileWindow([])).toBeNull();
    expect(percentileWindow([Number.NaN])).toBeNull();
  });

  it('samples large inputs at a stride, close to the exact answer', () => {
    const random = createRandom(11);
    const values = new Float64Array(1_000_000).map(() => random() * 1000);
    const sampled = percentileWindow(values, { maxSamples: 10_000 })!;
    const exact = percentileWindow(values, { maxSamples: values.length })!;
    expect(Math.abs(sampled.low - exact.low)).toBeLessThan(5);
    expect(Math.abs(sampled.high - exact.high)).toBeLessThan(5);
  });

  it('takes other percentiles', () => {
    expect(percentileWindow(range(101), { lowPercentile: 10, highPercentile: 90 })).toEqual({ low: 10, high: 90 });
  });
});
