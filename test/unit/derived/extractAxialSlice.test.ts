import { describe, it, expect } from 'vitest';
import { extractAxialSlice, type SliceSource } from '../../../src/derived/extractAxialSlice';
import { NiftiVoxelCollector } from '../../../src/nifti/NiftiVoxelCollector';
import { VolumeCacheError } from '../../../src/errors';
import { buildNiftiFile, type NiftiFileSpec } from './support/buildNiftiFile';

function decode(spec: NiftiFileSpec, voxels: Uint8Array) {
  const collector = new NiftiVoxelCollector();
  collector.push(buildNiftiFile(spec, voxels));
  return collector.finish();
}

/** int16 voxels whose value encodes their position: i + 10 j + 100 k + 1000 t. */
function positional(dims: number[], littleEndian = true): Uint8Array {
  const [ni = 1, nj = 1, nk = 1, nt = 1] = dims;
  const bytes = new Uint8Array(ni * nj * nk * nt * 2);
  const view = new DataView(bytes.buffer);
  let n = 0;
  for (let t = 0; t < nt; t++) for (let k = 0; k < nk; k++) for (let j = 0; j < nj; j++) for (let i = 0; i < ni; i++) view.setInt16(2 * n++, i + 10 * j + 100 * k + 1000 * t, littleEndian);
  return bytes;
}

const rows = (slice: { width: number; values: Float64Array }) =>
  Array.from({ length: slice.values.length / slice.width }, (_, r) => Array.from(slice.values.subarray(r * slice.width, (r + 1) * slice.width)));

function failureCode(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return (error as VolumeCacheError).code;
  }
  throw new Error('expected a throw');
}

describe('extractAxialSlice', () => {
  it('takes the middle k slice, anterior (high j) at the top, i left to right', () => {
    const { header, voxels } = decode({ dims: [3, 2, 5], datatypeCode: 4, bitPix: 16, pixDims: [1, 2, 3] }, positional([3, 2, 5]));
    const slice = extractAxialSlice(header, voxels);
    expect([slice.width, slice.height, slice.columnSpacing, slice.rowSpacing]).toEqual([3, 2, 1, 2]);
    expect(rows(slice)).toEqual([
      [210, 211, 212],
      [200, 201, 202],
    ]);
  });

  it('an explicit slice index, and the first volume of a 4-D series', () => {
    const { header, voxels } = decode({ dims: [2, 2, 3, 4], datatypeCode: 4, bitPix: 16 }, positional([2, 2, 3, 4]));
    expect(rows(extractAxialSlice(header, voxels))).toEqual([
      [110, 111],
      [100, 101],
    ]);
    expect(rows(extractAxialSlice(header, voxels, { sliceIndex: 0 }))).toEqual([
      [10, 11],
      [0, 1],
    ]);
    expect(failureCode(() => extractAxialSlice(header, voxels, { sliceIndex: 3 }))).toBe('invalid-argument');
  });

  it('reads big-endian files correctly once decoded', () => {
    const { header, voxels } = decode({ dims: [2, 2, 1], datatypeCode: 4, bitPix: 16, littleEndian: false }, positional([2, 2, 1], false));
    expect(rows(extractAxialSlice(header, voxels))).toEqual([
      [10, 11],
      [0, 1],
    ]);
  });

  it('applies scl_slope and scl_inter when the slope is set, and not when it is 0', () => {
    const scaled = decode({ dims: [2, 1, 1], datatypeCode: 4, bitPix: 16, sclSlope: 0.5, sclInter: -3 }, positional([2, 1, 1]));
    expect(Array.from(extractAxialSlice(scaled.header, scaled.voxels).values)).toEqual([-3, -2.5]);
    const unscaled = decode({ dims: [2, 1, 1], datatypeCode: 4, bitPix: 16, sclSlope: 0, sclInter: 50 }, positional([2, 1, 1]));
    expect(Array.from(extractAxialSlice(unscaled.header, unscaled.voxels).values)).toEqual([0, 1]);
  });

  it('follows the affine: an LPS-stored volume is shown with the same layout as its RAS copy', () => {
    const ras = decode({ dims: [3, 2, 1], datatypeCode: 4, bitPix: 16 }, positional([3, 2, 1]));
    const lpsHeader: SliceSource = {
      ...ras.header,
      affine: [
        [-1, 0, 0, 0],
        [0, -1, 0, 0],
        [0, 0, 1, 0],
        [0, 0, 0, 1],
      ],
    };
    // Stored LPS, i runs right-to-left and j anterior-to-posterior: the screen layout reverses both.
    expect(rows(extractAxialSlice(lpsHeader, ras.voxels))).toEqual([
      [2, 1, 0],
      [12, 11, 10],
    ]);
  });

  it('colour as luma, complex as magnitude, int64 as numbers, binary as bits', () => {
    const rgb = decode({ dims: [2, 1, 1], datatypeCode: 128, bitPix: 24 }, new Uint8Array([255, 255, 255, 255, 0, 0]));
    expect(Array.from(extractAxialSlice(rgb.header, rgb.voxels).values).map((v) => Math.round(v))).toEqual([255, 76]);

    const complexBytes = new Uint8Array(new Float32Array([3, 4, 0, -2]).buffer);
    const complex = decode({ dims: [2, 1, 1], datatypeCode: 32, bitPix: 64 }, complexBytes);
    expect(Array.from(extractAxialSlice(complex.header, complex.voxels).values)).toEqual([5, 2]);

    const int64 = decode({ dims: [2, 1, 1], datatypeCode: 1024, bitPix: 64 }, new Uint8Array(new BigInt64Array([-5n, 2n ** 40n]).buffer));
    expect(Array.from(extractAxialSlice(int64.header, int64.voxels).values)).toEqual([-5, 2 ** 40]);

    const binary = decode({ dims: [4, 2, 1], datatypeCode: 1, bitPix: 1 }, new Uint8Array([0b1000_0101]));
    expect(rows(extractAxialSlice(binary.header, binary.voxels))).toEqual([
      [0, 0, 0, 1],
      [1, 0, 1, 0],
    ]);
  });

  it('1-D and 2-D volumes give one-row and single slices', () => {
    const line = decode({ dims: [4], datatypeCode: 4, bitPix: 16 }, positional([4]));
    expect(rows(extractAxialSlice(line.header, line.voxels))).toEqual([[0, 1, 2, 3]]);
    const plane = decode({ dims: [2, 2], datatypeCode: 4, bitPix: 16 }, positional([2, 2]));
    expect(rows(extractAxialSlice(plane.header, plane.voxels))).toEqual([
      [10, 11],
      [0, 1],
    ]);
  });

  it('refuses float128 with unsupported and a short buffer with invalid-argument', () => {
    const wide = decode({ dims: [1, 1, 1], datatypeCode: 1536, bitPix: 128 }, new Uint8Array(16));
    expect(failureCode(() => extractAxialSlice(wide.header, wide.voxels))).toBe('unsupported');
    const { header } = decode({ dims: [2, 2, 1], datatypeCode: 4, bitPix: 16 }, positional([2, 2, 1]));
    expect(failureCode(() => extractAxialSlice(header, new ArrayBuffer(4)))).toBe('invalid-argument');
  });
});
