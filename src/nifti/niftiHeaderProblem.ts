import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiDatatypes } from './niftiDatatypes';

const MAX_RANK = 7;

/**
 * The 4-byte extension flag that follows the fixed header in a single-file
 * .nii: the voxels start after it, at 352 (NIfTI-1) or 544 (NIfTI-2) or later.
 * nifti1.h: "image data never starts before byte #352 in a .nii file"; it
 * adds that a smaller vox_offset "is equivalent to 352", but a header that
 * says 348 may as well mean 348 (nifti-reader-js, and so viewers using it,
 * read the voxels there), so decoding either way could show shifted voxels:
 * such a header is refused, as nibabel refuses it ("vox offset 348 too low
 * for single file nifti1"; 544 for NIfTI-2).
 */
const EXTENSION_FLAG_BYTES = 4;

/**
 * The checks niftiHeaderProblem makes, in this order: `rank` (dim[0] is 1 to
 * 7), `dims` (each used dimension is an integer of at least 1), `huge-dims`
 * (and below 2^53: a NIfTI-2 int64 can be larger than a number holds exactly),
 * `datatype` (a code the standard defines), `bitpix` (that datatype's size),
 * `vox-offset` (a whole number of bytes past the fixed header and its
 * extension flag), `voxel-bytes` (the voxel byte count is exact as a number).
 */
export type NiftiHeaderCheck = 'rank' | 'dims' | 'huge-dims' | 'datatype' | 'bitpix' | 'vox-offset' | 'voxel-bytes';

export interface NiftiHeaderProblem {
  check: NiftiHeaderCheck;
  /** Why, for the `not-nifti` error. */
  detail: string;
}

/**
 * The first problem that keeps these fields from describing a single-file
 * NIfTI volume one can decode, or null. The one rule for every NIfTI body:
 * NiftiStreamValidator (a download cached as NIfTI) and NiftiVoxelCollector
 * (decoding) both refuse a header with any problem, as `not-nifti`.
 */
export function niftiHeaderProblem(fields: NiftiHeaderFields): NiftiHeaderProblem | null {
  const { rank, dims, datatypeCode, bitpix, voxOffset, headerBytes } = fields;
  if (!Number.isInteger(rank) || rank < 1 || rank > MAX_RANK) {
    return { check: 'rank', detail: `The NIfTI header says ${rank} dimensions; 1 to ${MAX_RANK} are valid.` };
  }
  const invalidDims = `The NIfTI header has invalid dimensions ${JSON.stringify(dims)}.`;
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) return { check: 'dims', detail: invalidDims };
  if (dims.some((d) => !Number.isSafeInteger(d))) return { check: 'huge-dims', detail: invalidDims };
  const datatype = niftiDatatypes.get(datatypeCode);
  if (!datatype) {
    return { check: 'datatype', detail: `The NIfTI header has datatype code ${datatypeCode}, which the standard does not define.` };
  }
  if (bitpix !== datatype.bitsPerVoxel) {
    return { check: 'bitpix', detail: `The NIfTI header says bitpix ${bitpix} for ${datatype.name}, which has ${datatype.bitsPerVoxel}.` };
  }
  const firstVoxelByte = headerBytes + EXTENSION_FLAG_BYTES;
  if (!Number.isSafeInteger(voxOffset) || voxOffset < firstVoxelByte) {
    return { check: 'vox-offset', detail: `The NIfTI header has vox_offset ${voxOffset}; a single-file NIfTI needs at least ${firstVoxelByte}.` };
  }
  if (!Number.isSafeInteger(fields.voxelBytes)) {
    return { check: 'voxel-bytes', detail: `The NIfTI dimensions ${JSON.stringify(dims)} are too large.` };
  }
  return null;
}
