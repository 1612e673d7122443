import { isNIFTI, readHeader } from 'nifti-reader-js';
import { VolumeCacheError } from '../errors';
import { niftiHeaderSize } from './summarizeNiftiHeader';
import type { NiftiHeaderInfo } from './NiftiHeaderInfo';
import { niftiDatatypes } from './niftiDatatypes';
import { platformLittleEndian } from './platformLittleEndian';

const MAX_RANK = 7;

function notNifti(detail: string): VolumeCacheError {
  return new VolumeCacheError('not-nifti', detail);
}

/**
 * Parses the fixed NIfTI-1/2 header at the start of `bytes` (the first
 * sizeof_hdr bytes of the decompressed file are enough) into a NiftiHeaderInfo,
 * checking what decoding relies on: dimensions, a standard datatype whose size
 * matches bitpix, and a vox_offset past the header. Only the fixed header is
 * handed to nifti-reader-js: its extension parser reads up to vox_offset and
 * would fault on a prefix. Throws `not-nifti`.
 */
export function parseNiftiHeaderInfo(bytes: Uint8Array): NiftiHeaderInfo {
  const size = niftiHeaderSize(bytes);
  if (size === null || bytes.byteLength < size) {
    throw notNifti(`No valid NIfTI-1/2 header in the first ${bytes.byteLength} bytes.`);
  }
  const headerBuffer = bytes.slice(0, size).buffer;
  let parsed: ReturnType<typeof readHeader>;
  try {
    if (!isNIFTI(headerBuffer)) throw new Error('bad magic');
    parsed = readHeader(headerBuffer);
  } catch {
    throw notNifti('The NIfTI header magic or size is wrong.');
  }

  const rank = parsed.dims[0] ?? 0;
  if (!Number.isInteger(rank) || rank < 1 || rank > MAX_RANK) {
    throw notNifti(`The NIfTI header says ${rank} dimensions; 1 to ${MAX_RANK} are valid.`);
  }
  const dims = parsed.dims.slice(1, rank + 1);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) {
    throw notNifti(`The NIfTI header has invalid dimensions ${JSON.stringify(dims)}.`);
  }
  const datatype = niftiDatatypes.get(parsed.datatypeCode);
  if (!datatype) throw notNifti(`The NIfTI header has datatype code ${parsed.datatypeCode}, which the standard does not define.`);
  if (parsed.numBitsPerVoxel !== datatype.bitsPerVoxel) {
    throw notNifti(`The NIfTI header says bitpix ${parsed.numBitsPerVoxel} for ${datatype.name}, which has ${datatype.bitsPerVoxel}.`);
  }
  const voxOffset = parsed.vox_offset;
  if (!Number.isSafeInteger(voxOffset) || voxOffset < size) {
    throw notNifti(`The NIfTI header has vox_offset ${voxOffset}; a single-file NIfTI needs at least ${size}.`);
  }
  const voxels = dims.reduce((product, d) => product * d, 1);
  const voxelBytes = Math.ceil((voxels * datatype.bitsPerVoxel) / 8);
  if (!Number.isSafeInteger(voxelBytes)) throw notNifti(`The NIfTI dimensions ${JSON.stringify(dims)} are too large.`);

  return {
    version: size === 348 ? 1 : 2,
    dims,
    pixDims: parsed.pixDims.slice(1, rank + 1),
    datatypeCode: parsed.datatypeCode,
    datatype: datatype.name,
    bitsPerVoxel: datatype.bitsPerVoxel,
    littleEndian: parsed.littleEndian,
    swapped: parsed.littleEndian !== platformLittleEndian && datatype.swapUnitBytes > 1,
    voxOffset,
    voxelBytes,
    sclSlope: parsed.scl_slope,
    sclInter: parsed.scl_inter,
    calMin: parsed.cal_min,
    calMax: parsed.cal_max,
    affine: parsed.affine.map((row) => [...row]),
    description: parsed.description.replace(/\0+$/, '').trim(),
    typedArrayKind: datatype.typedArrayKind,
    valuesPerVoxel: datatype.valuesPerVoxel,
  };
}
