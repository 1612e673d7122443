/**
 * Builds NIfTI-1 files byte by byte, for tests and benchmarks that need
 * datatypes, byte orders, extensions or sizes the shared samples lack.
 * Pure (no Node or DOM APIs), so Node tests and browser pages both import it.
 */

export interface NiftiFileSpec {
  /** Sizes of the used dimensions (1 to 7 of them). */
  dims: number[];
  datatypeCode: number;
  bitPix: number;
  /** @default true */
  littleEndian?: boolean;
  /** Spacings of the used dimensions. @default all 1 */
  pixDims?: number[];
  /** @default 352 (header + 4-byte extension flag) */
  voxOffset?: number;
  sclSlope?: number;
  sclInter?: number;
  calMin?: number;
  calMax?: number;
  description?: string;
  /** Overrides the magic (default "n+1"). */
  magic?: string;
}

export const NIFTI1_HEADER_BYTES = 348;

/** The bytes before the voxels: header, extension flag (0) and zero padding up to `voxOffset`. */
export function buildNiftiHeader(spec: NiftiFileSpec): Uint8Array<ArrayBuffer> {
  const littleEndian = spec.littleEndian ?? true;
  const voxOffset = spec.voxOffset ?? 352;
  const bytes = new Uint8Array(Math.max(voxOffset, NIFTI1_HEADER_BYTES + 4));
  const view = new DataView(bytes.buffer);
  view.setInt32(0, NIFTI1_HEADER_BYTES, littleEndian);
  view.setInt16(40, spec.dims.length, littleEndian);
  spec.dims.forEach((d, i) => view.setInt16(42 + 2 * i, d, littleEndian));
  for (let i = spec.dims.length; i < 7; i++) view.setInt16(42 + 2 * i, 1, littleEndian);
  view.setInt16(70, spec.datatypeCode, littleEndian);
  view.setInt16(72, spec.bitPix, littleEndian);
  view.setFloat32(76, 1, littleEndian); // qfac
  for (let i = 0; i < 7; i++) view.setFloat32(80 + 4 * i, spec.pixDims?.[i] ?? 1, littleEndian);
  view.setFloat32(108, voxOffset, littleEndian);
  view.setFloat32(112, spec.sclSlope ?? 0, littleEndian);
  view.setFloat32(116, spec.sclInter ?? 0, littleEndian);
  view.setFloat32(124, spec.calMax ?? 0, littleEndian);
  view.setFloat32(128, spec.calMin ?? 0, littleEndian);
  new TextEncoder().encodeInto((spec.description ?? '').slice(0, 79), bytes.subarray(148, 228));
  view.setInt16(252, 0, littleEndian); // qform_code: none, so the affine is the pixdim diagonal
  view.setInt16(254, 0, littleEndian); // sform_code
  new TextEncoder().encodeInto(`${spec.magic ?? 'n+1'}\0`, bytes.subarray(344, 348));
  // A vox_offset inside the header (invalid; for tests) still gets the whole header.
  return bytes.subarray(0, Math.max(voxOffset, NIFTI1_HEADER_BYTES));
}

/** Header followed by `voxels` (already in the file's byte order) and `trailing` bytes. */
export function buildNiftiFile(spec: NiftiFileSpec, voxels: Uint8Array, trailing: Uint8Array = new Uint8Array(0)): Uint8Array<ArrayBuffer> {
  const header = buildNiftiHeader(spec);
  const file = new Uint8Array(header.byteLength + voxels.byteLength + trailing.byteLength);
  file.set(header, 0);
  file.set(voxels, header.byteLength);
  file.set(trailing, header.byteLength + voxels.byteLength);
  return file;
}
