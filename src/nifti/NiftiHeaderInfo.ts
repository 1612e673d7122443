/**
 * The decoded header of a NIfTI volume, as decodeNiftiVolume() returns it.
 * Type-only, and a plain structured-cloneable object (numbers, strings,
 * booleans, arrays), so it crosses postMessage and goes into IndexedDB as is.
 */

/** The typed array that views a volume's voxel buffer (see voxelView). */
export type TypedArrayKind =
  | 'Uint8Array'
  | 'Int8Array'
  | 'Uint16Array'
  | 'Int16Array'
  | 'Uint32Array'
  | 'Int32Array'
  | 'Float32Array'
  | 'Float64Array'
  | 'BigInt64Array'
  | 'BigUint64Array';

export interface NiftiHeaderInfo {
  version: 1 | 2;
  /** Sizes of the used dimensions, dims[1..dims[0]] (so `dims.length` is the rank). */
  dims: number[];
  /** Grid spacings of the used dimensions, pixdim[1..dims[0]] (spatial units, then time units). */
  pixDims: number[];
  /** NIfTI datatype code, e.g. 2 (uint8), 4 (int16), 16 (float32). */
  datatypeCode: number;
  /** Datatype name, e.g. "uint8", "int16", "float32", "rgb24". */
  datatype: string;
  bitsPerVoxel: number;
  /** Byte order of the file. The decoded voxels are always in the platform's order (see `swapped`). */
  littleEndian: boolean;
  /** Whether decoding byte-swapped the voxels because the file's order differs from the platform's. */
  swapped: boolean;
  /** Offset of the voxels in the (decompressed) file. */
  voxOffset: number;
  /** Bytes of voxel data: prod(dims) * bitsPerVoxel / 8, rounded up. */
  voxelBytes: number;
  /** Data scaling, value = stored * sclSlope + sclInter; a slope of 0 (or NaN) means "no scaling". */
  sclSlope: number;
  sclInter: number;
  /** Display range from the header; both 0 when unset. */
  calMin: number;
  calMax: number;
  /**
   * Voxel index (i, j, k, 1) to world (x, y, z, 1), as nifti-reader-js works
   * it out: in NIfTI-1 the qform when its code outranks the sform's, else the
   * sform, else the pixdim diagonal; in NIfTI-2 always the srow rows.
   */
  affine: number[][];
  description: string;
  /**
   * The typed array that views the voxels. Multi-value voxels are interleaved:
   * rgb24 and rgba32 are `Uint8Array` with 3 or 4 values per voxel, complex types
   * are float arrays of (re, im) pairs, binary is a `Uint8Array` of packed bits
   * (8 voxels a byte), float128 and complex256 are raw bytes (`Uint8Array`).
   */
  typedArrayKind: TypedArrayKind;
  /** Elements of `typedArrayKind` per voxel: 1, or 3 (rgb24), 4 (rgba32), 2 (complex), 16/32 (float128/complex256 bytes). */
  valuesPerVoxel: number;
}
