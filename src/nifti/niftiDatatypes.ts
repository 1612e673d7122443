import type { TypedArrayKind } from './NiftiHeaderInfo';

export interface NiftiDatatype {
  name: string;
  bitsPerVoxel: number;
  typedArrayKind: TypedArrayKind;
  valuesPerVoxel: number;
  /** Size of the unit whose bytes are reversed when the file's byte order is not the platform's (1: none). */
  swapUnitBytes: 1 | 2 | 4 | 8 | 16;
}

/** The datatypes of the NIfTI-1/2 standard (nifti1.h), by code. */
export const niftiDatatypes: ReadonlyMap<number, NiftiDatatype> = new Map<number, NiftiDatatype>([
  [1, { name: 'binary', bitsPerVoxel: 1, typedArrayKind: 'Uint8Array', valuesPerVoxel: 1, swapUnitBytes: 1 }],
  [2, { name: 'uint8', bitsPerVoxel: 8, typedArrayKind: 'Uint8Array', valuesPerVoxel: 1, swapUnitBytes: 1 }],
  [4, { name: 'int16', bitsPerVoxel: 16, typedArrayKind: 'Int16Array', valuesPerVoxel: 1, swapUnitBytes: 2 }],
  [8, { name: 'int32', bitsPerVoxel: 32, typedArrayKind: 'Int32Array', valuesPerVoxel: 1, swapUnitBytes: 4 }],
  [16, { name: 'float32', bitsPerVoxel: 32, typedArrayKind: 'Float32Array', valuesPerVoxel: 1, swapUnitBytes: 4 }],
  [32, { name: 'complex64', bitsPerVoxel: 64, typedArrayKind: 'Float32Array', valuesPerVoxel: 2, swapUnitBytes: 4 }],
  [64, { name: 'float64', bitsPerVoxel: 64, typedArrayKind: 'Float64Array', valuesPerVoxel: 1, swapUnitBytes: 8 }],
  [128, { name: 'rgb24', bitsPerVoxel: 24, typedArrayKind: 'Uint8Array', valuesPerVoxel: 3, swapUnitBytes: 1 }],
  [256, { name: 'int8', bitsPerVoxel: 8, typedArrayKind: 'Int8Array', valuesPerVoxel: 1, swapUnitBytes: 1 }],
  [512, { name: 'uint16', bitsPerVoxel: 16, typedArrayKind: 'Uint16Array', valuesPerVoxel: 1, swapUnitBytes: 2 }],
  [768, { name: 'uint32', bitsPerVoxel: 32, typedArrayKind: 'Uint32Array', valuesPerVoxel: 1, swapUnitBytes: 4 }],
  [1024, { name: 'int64', bitsPerVoxel: 64, typedArrayKind: 'BigInt64Array', valuesPerVoxel: 1, swapUnitBytes: 8 }],
  [1280, { name: 'uint64', bitsPerVoxel: 64, typedArrayKind: 'BigUint64Array', valuesPerVoxel: 1, swapUnitBytes: 8 }],
  // No typed array holds a 128-bit float: raw bytes, each value byte-swapped as one 16-byte unit.
  [1536, { name: 'float128', bitsPerVoxel: 128, typedArrayKind: 'Uint8Array', valuesPerVoxel: 16, swapUnitBytes: 16 }],
  [1792, { name: 'complex128', bitsPerVoxel: 128, typedArrayKind: 'Float64Array', valuesPerVoxel: 2, swapUnitBytes: 8 }],
  [2048, { name: 'complex256', bitsPerVoxel: 256, typedArrayKind: 'Uint8Array', valuesPerVoxel: 32, swapUnitBytes: 16 }],
  [2304, { name: 'rgba32', bitsPerVoxel: 32, typedArrayKind: 'Uint8Array', valuesPerVoxel: 4, swapUnitBytes: 1 }],
]);
