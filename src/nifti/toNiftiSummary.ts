import type { NiftiSummary } from '../types';
import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiDatatypes } from './niftiDatatypes';

/**
 * The summary kept in a cached entry's metadata, for fields that passed
 * niftiHeaderProblem (NiftiStreamValidator refuses the rest). Needs only a
 * valid rank and dims: a datatype the standard lacks, which no download
 * reaches it with, would be named `code-<n>`.
 */
export function toNiftiSummary(fields: NiftiHeaderFields, compressed: boolean): NiftiSummary {
  return {
    version: fields.version,
    dims: [...fields.dims],
    voxelSize: fields.pixdim.slice(1, 4),
    datatypeCode: fields.datatypeCode,
    datatype: niftiDatatypes.get(fields.datatypeCode)?.name ?? `code-${fields.datatypeCode}`,
    bitsPerVoxel: fields.bitpix,
    littleEndian: fields.littleEndian,
    compressed,
    description: fields.description,
  };
}
