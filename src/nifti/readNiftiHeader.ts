import { isNIFTI, readHeader } from 'nifti-reader-js';
import type { NiftiHeaderFields } from './NiftiHeaderFields';
import { niftiHeaderSize } from './niftiHeaderSize';
import { summaryVoxelBytes } from './summaryVoxelBytes';

/**
 * Why no fields could be read: `no-header` (sizeof_hdr is neither 348 nor 540
 * in either byte order, or fewer bytes than it arrived), `bad-magic` (the
 * magic is not n+1 / n+2, or nifti-reader-js refused the header). Each caller
 * words its own `not-nifti` error.
 */
export type NiftiHeaderUnreadable = 'no-header' | 'bad-magic';

/**
 * Reads the fixed NIfTI-1/2 header at the start of `bytes` (the first bytes of
 * the decompressed file; sizeof_hdr of them are enough), in either byte order.
 * Only the fixed header is handed to nifti-reader-js: its extension parser
 * reads up to vox_offset and would fault on a prefix. Checks nothing beyond
 * size and magic: see niftiHeaderProblem.
 */
export function readNiftiHeader(bytes: Uint8Array): NiftiHeaderFields | NiftiHeaderUnreadable {
  const size = niftiHeaderSize(bytes);
  if (size === null || bytes.byteLength < size) return 'no-header';
  const header = bytes.slice(0, size).buffer;
  let parsed: ReturnType<typeof readHeader>;
  try {
    if (!isNIFTI(header)) return 'bad-magic';
    parsed = readHeader(header);
  } catch {
    return 'bad-magic';
  }
  const rank = parsed.dims[0] ?? 0;
  const dims = parsed.dims.slice(1, rank + 1);
  return {
    version: size === 348 ? 1 : 2,
    headerBytes: size,
    littleEndian: parsed.littleEndian,
    rank,
    dims,
    pixdim: [...parsed.pixDims],
    datatypeCode: parsed.datatypeCode,
    bitpix: parsed.numBitsPerVoxel,
    voxOffset: parsed.vox_offset,
    voxelBytes: summaryVoxelBytes({ dims, bitsPerVoxel: parsed.numBitsPerVoxel }),
    sclSlope: parsed.scl_slope,
    sclInter: parsed.scl_inter,
    calMin: parsed.cal_min,
    calMax: parsed.cal_max,
    affine: parsed.affine.map((row) => [...row]),
    description: parsed.description.replace(/\0+$/, '').trim(),
  };
}
