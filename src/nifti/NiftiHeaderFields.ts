/**
 * The fixed NIfTI-1/2 header as readNiftiHeader reads it, in one shape for
 * both versions and byte orders. Type-only. Not validated: niftiHeaderProblem
 * says what is wrong with it, and toNiftiSummary / toNiftiHeaderInfo derive
 * the two outputs from fields that passed.
 */
export interface NiftiHeaderFields {
  version: 1 | 2;
  /** sizeof_hdr: where the fixed header ends. */
  headerBytes: 348 | 540;
  littleEndian: boolean;
  /** dim[0]: how many dimensions are used (1 to 7 in a valid header). */
  rank: number;
  /** dim[1..rank]: the sizes of the used dimensions (meaningless when `rank` is invalid). */
  dims: number[];
  /** pixdim[0..7] as stored: pixdim[0] is qfac, pixdim[i] the grid spacing of dimension i. */
  pixdim: number[];
  datatypeCode: number;
  bitpix: number;
  /** vox_offset: where the voxels start (a float in NIfTI-1, an int64 in NIfTI-2). */
  voxOffset: number;
  /** Bytes of voxel data `dims` and `bitpix` call for: prod(dims) * bitpix / 8, rounded up. */
  voxelBytes: number;
  sclSlope: number;
  sclInter: number;
  calMin: number;
  calMax: number;
  /** Voxel index to world, 4 x 4, as nifti-reader-js works it out from the qform, sform or pixdim. */
  affine: number[][];
  /** descrip, without its trailing NULs and surrounding whitespace. */
  description: string;
}
