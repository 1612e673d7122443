import { describe, it, expect } from 'vitest';
import { fitThumbnailSize } from '../../../src/derived/fitThumbnailSize';

describe('fitThumbnailSize', () => {
  it.each<[string, [number, number, number, number, number], { width: number; height: number }]>([
    ['square, isotropic', [256, 256, 1, 1, 128], { width: 128, height: 128 }],
    ['wide', [200, 100, 1, 1, 128], { width: 128, height: 64 }],
    ['tall', [91, 109, 2, 2, 128], { width: 107, height: 128 }],
    ['anisotropic voxels stretch to their physical size', [100, 100, 2, 1, 128], { width: 128, height: 64 }],
    ['small slices are scaled up', [17, 21, 4, 4, 128], { width: 104, height: 128 }],
    ['an extreme aspect keeps at least one pixel', [10000, 1, 1, 1, 64], { width: 64, height: 1 }],
    ['no usable spacing: square', [10, 20, 0, Number.NaN, 32], { width: 32, height: 32 }],
  ])('%s', (_name, [columns, rows, columnSpacing, rowSpacing, size], expected) => {
    expect(fitThumbnailSize(columns, rows, columnSpacing, rowSpacing, size)).toEqual(expected);
  });

  it('never exceeds the size and keeps the aspect within a pixel', () => {
    for (let columns = 1; columns < 300; columns += 7) {
      for (let rows = 1; rows < 300; rows += 11) {
        const { width, height } = fitThumbnailSize(columns, rows, 1.5, 1, 128);
        expect(Math.max(width, height)).toBe(128);
        expect(Math.abs(width / height - (columns * 1.5) / rows)).toBeLessThanOrEqual((columns * 1.5) / rows / Math.min(width, height) + 1e-9);
      }
    }
  });
});
