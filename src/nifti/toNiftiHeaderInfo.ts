import type { NiftiHeaderFields } from './NiftiHeaderFields';
import type { NiftiHeaderInfo } from './NiftiHeaderInfo';
import { niftiDatatypes } from './niftiDatatypes';
import { platformLittleEndian } from './platformLittleEndian';

/**
 * The decoder's view of a header: what voxelView and the swap need beside the
 * header's own fields. For fields niftiHeaderProblem found nothing wrong with;
 * throws a plain Error (a fault, not bad input) for a datatype the standard lacks.
 */
export function toNiftiHeaderInfo(fields: NiftiHeaderFields): NiftiHeaderInfo {
  const datatype = niftiDatatypes.get(fields.datatypeCode);
  if (!datatype) throw new Error(`toNiftiHeaderInfo needs a standard datatype, not code ${fields.datatypeCode}: check niftiHeaderProblem first.`);
  return {
    version: fields.version,
    dims: [...fields.dims],
    pixDims: fields.pixdim.slice(1, fields.rank + 1),
    datatypeCode: fields.datatypeCode,
    datatype: datatype.name,
    bitsPerVoxel: datatype.bitsPerVoxel,
    littleEndian: fields.littleEndian,
    swapped: fields.littleEndian !== platformLittleEndian && datatype.swapUnitBytes > 1,
    voxOffset: fields.voxOffset,
    voxelBytes: fields.voxelBytes,
    sclSlope: fields.sclSlope,
    sclInter: fields.sclInter,
    calMin: fields.calMin,
    calMax: fields.calMax,
    affine: fields.affine.map((row) => [...row]),
    description: fields.description,
    typedArrayKind: datatype.typedArrayKind,
    valuesPerVoxel: datatype.valuesPerVoxel,
  };
}
