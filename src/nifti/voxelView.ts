import type { NiftiHeaderInfo, TypedArrayKind } from './NiftiHeaderInfo';

export type VoxelArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

const CONSTRUCTORS = {
  Uint8Array,
  Int8Array,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const satisfies Record<TypedArrayKind, unknown>;

/**
 * The typed array of `header.typedArrayKind` over decoded voxels (no copy).
 * decodeNiftiVolume has already put them in the platform's byte order, so the
 * values read correctly. Multi-value voxels (rgb24, complex) are interleaved;
 * see NiftiHeaderInfo.typedArrayKind.
 */
export function voxelView(header: Pick<NiftiHeaderInfo, 'typedArrayKind'>, voxels: ArrayBuffer): VoxelArray {
  const Constructor = CONSTRUCTORS[header.typedArrayKind];
  return new Constructor(voxels, 0, Math.floor(voxels.byteLength / Constructor.BYTES_PER_ELEMENT));
}
