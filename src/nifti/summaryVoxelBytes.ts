import type { NiftiSummary } from '../types';

/** Bytes the decoded voxels of a volume take (what decoding allocates), from its dims and bits per voxel: a header's, or the summary kept with its entry. */
export function summaryVoxelBytes(nifti: Pick<NiftiSummary, 'dims' | 'bitsPerVoxel'>): number {
  return Math.ceil((nifti.dims.reduce((product, size) => product * size, 1) * nifti.bitsPerVoxel) / 8);
}
