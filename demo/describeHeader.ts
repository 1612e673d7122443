import type { NiftiSummary } from '../src/index';

/** The header summary rows: what a radiologist checks first. */
export function describeHeader(file: string, nifti: NiftiSummary): [string, string][] {
  const spatial = nifti.voxelSize.slice(0, 3).map((size) => (Math.round(size * 1000) / 1000).toString());
  return [
    ['File', file],
    ['Format', `NIfTI-${nifti.version}${nifti.compressed ? ', gzip' : ''}`],
    ['Dimensions', nifti.dims.join(' × ')],
    ['Voxel size', `${spatial.join(' × ')} mm`],
    ['Datatype', `${nifti.datatype} (${nifti.bitsPerVoxel}-bit${nifti.littleEndian ? '' : ', big-endian'})`],
    ...(nifti.description.trim() ? [['Description', nifti.description.trim()] as [string, string]] : []),
  ];
}
