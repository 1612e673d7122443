import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiDatatypes } from './niftiDatatypes';

const MAX_RANK = 7;

/**
 * The checks niftiHeaderProblem makes, in this order: `rank` (dim[0] is 1 to
 * 7), `dims` (each used dimension is an integer of at least 1), `huge-dims`
 * (and below 2^53: a NIfTI-2 int64 can be larger than a number holds exactly),
 * `datatype` (a code the standard defines), `bitpix` (that datatype's size),
 * `vox-offset` (a whole number of bytes past the fixed header), `voxel-bytes`
 * (the voxel byte count is exact as a number).
 */
export type NiftiHeaderCheck = 'rank' | 'dims' | 'huge-dims' | 'datatype' | 'bitpix' | 'vox-offset' | 'voxel-bytes';

export interface NiftiHeaderProblem {
  check: NiftiHeaderCheck;
  /** Why, for the `not-nifti` error. */
  detail: string;
}

/**
 * The first problem that keeps these fields from describing a single-file
 * NIfTI volume one can decode, or null. NiftiVoxelCollector refuses a header
 * for any problem; NiftiStreamValidator so far only for `rank` and `dims`
 * (its REFUSED_CHECKS), so that making both validate alike is a change to
 * that set alone.
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
  if (!Number.isSafeInteger(voxOffset) || voxOffset < headerBytes) {
    return { check: 'vox-offset', detail: `The NIfTI header has vox_offset ${voxOffset}; a single-file NIfTI needs at least ${headerBytes}.` };
  }
  if (!Number.isSafeInteger(fields.voxelBytes)) {
    return { check: 'voxel-bytes', detail: `The NIfTI dimensions ${JSON.stringify(dims)} are too large.` };
  }
  return null;
}
