import { describe, it, expect } from 'vitest';
import { axialSliceAxes } from '../../../src/derived/axialSliceAxes';

const diag = (x: number, y: number, z: number) => [
  [x, 0, 0, 0],
  [0, y, 0, 0],
  [0, 0, z, 0],
  [0, 0, 0, 1],
];

describe('axialSliceAxes', () => {
  it('RAS storage: i to the right, j flipped so anterior is up, slices along k', () => {
    expect(axialSliceAxes(diag(2, 2, 2))).toEqual({ columnAxis: 0, rowAxis: 1, sliceAxis: 2, columnsAscending: true, rowsAscending: false });
  });

  it('LPS / radiological storage: columns reversed, rows as stored', () => {
    expect(axialSliceAxes(diag(-1, -1, 1))).toEqual({ columnAxis: 0, rowAxis: 1, sliceAxis: 2, columnsAscending: false, rowsAscending: true });
  });

  it('a sagittal acquisition (i along y, j along z, k along x) still gives an axial view', () => {
    const affine = [
      [0, 0, -1, 0],
      [1, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 1],
    ];
    expect(axialSliceAxes(affine)).toEqual({ columnAxis: 2, rowAxis: 0, sliceAxis: 1, columnsAscending: false, rowsAscending: false });
  });

  it('follows the dominant direction of an oblique affine', () => {
    const affine = [
      [0.9, 0.3, 0, 0],
      [-0.3, 0.9, 0.1, 0],
      [0, -0.1, 1, 0],
      [0, 0, 0, 1],
    ];
    expect(axialSliceAxes(affine)).toMatchObject({ columnAxis: 0, rowAxis: 1, sliceAxis: 2 });
  });

  it.each<[string, number[][]]>([
    ['all zeros', diag(0, 0, 0)],
    ['NaN', diag(Number.NaN, 1, 1)],
    ['two voxel axes along one world axis', [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]],
    ['too few rows', [[1, 0, 0, 0]]],
  ])('falls back to RAS for an unusable affine: %s', (_name, affine) => {
    expect(axialSliceAxes(affine)).toEqual({ columnAxis: 0, rowAxis: 1, sliceAxis: 2, columnsAscending: true, rowsAscending: false });
  });
});
