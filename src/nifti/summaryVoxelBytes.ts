import type { NiftiSummary } from '../types';

/** Bytes the decoded voxels of a stored volume take (what decoding allocates), from the header summary kept with its entry. */
export function summaryVoxelBytes(nifti: Pick<NiftiSummary, 'dims' | 'bitsPerVoxel'>): number {
  return Math.ceil((nifti.dims.reduce((product, size) => product * size, 1) * nifti.bitsPerVoxel) / 8);
}
