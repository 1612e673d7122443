import { VolumeCacheError } from '../errors';
import type { NiftiHeaderInfo } from '../nifti/NiftiHeaderInfo';
import { axialSliceAxes } from './axialSliceAxes';
import { voxelView } from '../nifti/voxelView';

export type SliceSource = Pick<
  NiftiHeaderInfo,
  'dims' | 'pixDims' | 'affine' | 'datatype' | 'typedArrayKind' | 'valuesPerVoxel' | 'voxelBytes' | 'sclSlope' | 'sclInter'
>;

/** One 2-D slice of scalar values, in screen order: row 0 at the top, column 0 on the left. */
export interface Slice {
  width: number;
  height: number;
  /** width * height values, row-major. Scaled by scl_slope/scl_inter when the header sets a slope. */
  values: Float64Array;
  /** Grid spacing of columns and rows (|pixdim|), for the aspect ratio; 1 where the header has none. */
  columnSpacing: number;
  rowSpacing: number;
}

export interface ExtractAxialSliceOptions {
  /** Index along the slice axis (as stored). @default the middle one */
  sliceIndex?: number;
}

/** ITU-R BT.601 luma weights, to show colour voxels as grey. */
const LUMA = [0.299, 0.587, 0.114] as const;

function spacing(value: number | undefined): number {
  const magnitude = Math.abs(value ?? Number.NaN);
  return Number.isFinite(magnitude) && magnitude > 0 ? magnitude : 1;
}

/** Reads voxel `index` as one number: scalars as is, complex as magnitude, colour as luma, binary as 0/1. */
function voxelReader(header: SliceSource, voxels: ArrayBuffer): (index: number) => number {
  const view = voxelView(header, voxels);
  switch (header.datatype) {
    case 'binary': {
      const bytes = view as Uint8Array;
      // The standard does not fix the bit order; least significant bit first.
      return (index) => (bytes[index >>> 3]! >>> (index & 7)) & 1;
    }
    case 'rgb24':
    case 'rgba32': {
      const bytes = view as Uint8Array;
      const stride = header.valuesPerVoxel;
      return (index) => LUMA[0] * bytes[index * stride]! + LUMA[1] * bytes[index * stride + 1]! + LUMA[2] * bytes[index * stride + 2]!;
    }
    case 'complex64':
    case 'complex128': {
      const parts = view as Float32Array | Float64Array;
      return (index) => Math.hypot(parts[2 * index]!, parts[2 * index + 1]!);
    }
    case 'int64':
    case 'uint64': {
      const big = view as BigInt64Array | BigUint64Array;
      return (index) => Number(big[index]!);
    }
    case 'float128':
    case 'complex256':
      throw new VolumeCacheError('unsupported', `Cannot render ${header.datatype} voxels: JavaScript has no ${header.datatype === 'float128' ? '128' : '256'}-bit floats.`);
    default: {
      const numbers = view as Exclude<typeof view, BigInt64Array | BigUint64Array>;
      return (index) => numbers[index]!;
    }
  }
}

/**
 * The axial slice of a decoded volume, at the middle of the axis closest to
 * world z (see axialSliceAxes), of the first volume when there are more than
 * three dimensions (later dimensions vary slowest, so it is the first block).
 * Pure.
 */
export function extractAxialSlice(header: SliceSource, voxels: ArrayBuffer, options: ExtractAxialSliceOptions = {}): Slice {
  if (voxels.byteLength < header.voxelBytes) {
    throw new VolumeCacheError('invalid-argument', `The voxel buffer holds ${voxels.byteLength} bytes; the header calls for ${header.voxelBytes}.`);
  }
  const sizes = [header.dims[0] ?? 1, header.dims[1] ?? 1, header.dims[2] ?? 1];
  const strides = [1, sizes[0]!, sizes[0]! * sizes[1]!];
  const axes = axialSliceAxes(header.affine);
  const width = sizes[axes.columnAxis]!;
  const height = sizes[axes.rowAxis]!;
  const depth = sizes[axes.sliceAxis]!;
  const slice = options.sliceIndex ?? Math.floor(depth / 2);
  if (!Number.isInteger(slice) || slice < 0 || slice >= depth) {
    throw new VolumeCacheError('invalid-argument', `Slice ${slice} is outside 0..${depth - 1}.`);
  }

  const read = voxelReader(header, voxels);
  const slope = header.sclSlope;
  // scl_slope 0 (or not finite) means "unscaled" (NIfTI-1 standard); colour is never scaled.
  const scaled = slope !== 0 && Number.isFinite(slope) && header.valuesPerVoxel === 1 && header.datatype !== 'binary';
  const intercept = Number.isFinite(header.sclInter) ? header.sclInter : 0;

  const values = new Float64Array(width * height);
  const columnStride = strides[axes.columnAxis]!;
  const rowStride = strides[axes.rowAxis]!;
  const base = slice * strides[axes.sliceAxis]!;
  for (let row = 0; row < height; row++) {
    const j = axes.rowsAscending ? row : height - 1 - row;
    const rowBase = base + j * rowStride;
    for (let column = 0; column < width; column++) {
      const i = axes.columnsAscending ? column : width - 1 - column;
      const value = read(rowBase + i * columnStride);
      values[row * width + column] = scaled ? value * slope + intercept : value;
    }
  }
  return {
    width,
    height,
    values,
    columnSpacing: spacing(header.pixDims[axes.columnAxis]),
    rowSpacing: spacing(header.pixDims[axes.rowAxis]),
  };
}
