import type { NiftiSummary } from '../types';

/** "207×256×215" for the used dimensions of a volume. */
export function formatDims(dims: readonly number[]): string {
  return dims.join('×');
}

/** "207×256×215 uint8", or "–" for an entry that is not NIfTI. */
export function formatNiftiSummary(nifti: NiftiSummary | null): string {
  return nifti ? `${formatDims(nifti.dims)} ${nifti.datatype}` : '–';
}
