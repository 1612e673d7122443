import { isNIFTI, readHeader } from 'nifti-reader-js';
import { VolumeCacheError } from '../errors';
import { niftiDatatypes } from './niftiDatatypes';
import type { NiftiSummary } from '../types';

/** Size of the fixed header for each version, read from sizeof_hdr in either byte order. */
export function niftiHeaderSize(prefix: Uint8Array): 348 | 540 | null {
  if (prefix.byteLength < 4) return null;
  const view = new DataView(prefix.buffer, prefix.byteOffset, 4);
  for (const littleEndian of [true, false]) {
    const size = view.getInt32(0, littleEndian);
    if (size === 348 || size === 540) return size;
  }
  return null;
}

export interface ParsedNiftiHeader {
  summary: NiftiSummary;
  /** Where the voxels start. */
  voxOffset: number;
  /** Bytes of voxel data the dimensions and datatype call for. */
  voxelBytes: number;
}

/**
 * Validates and summarises a NIfTI-1 or -2 header from the first bytes of the
 * (decompressed) file. Only the fixed header is handed to nifti-reader-js:
 * its extension parser reads up to vox_offset and would fault on a prefix.
 */
export function summarizeNiftiHeader(prefix: Uint8Array, compressed: boolean, url: string): ParsedNiftiHeader {
  const size = niftiHeaderSize(prefix);
  if (size === null || prefix.byteLength < size) {
    throw new VolumeCacheError('not-nifti', `The body is not a NIfTI file (no valid NIfTI-1/2 header in its first ${prefix.byteLength} bytes).`, { url });
  }
  const header = prefix.slice(0, size).buffer;
  let parsed: ReturnType<typeof readHeader>;
  try {
    if (!isNIFTI(header)) throw new Error('bad magic');
    parsed = readHeader(header);
  } catch {
    throw new VolumeCacheError('not-nifti', 'The body is not a NIfTI file (its header magic or size is wrong).', { url });
  }
  const rank = parsed.dims[0] ?? 0;
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) {
    throw new VolumeCacheError('not-nifti', `The NIfTI header says ${rank} dimensions; 1 to 7 are valid.`, { url });
  }
  const dims = parsed.dims.slice(1, rank + 1);
  if (dims.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new VolumeCacheError('not-nifti', `The NIfTI header has invalid dimensions ${JSON.stringify(dims)}.`, { url });
  }
  const voxelBits = dims.reduce((product, d) => product * d, 1) * parsed.numBitsPerVoxel;
  return {
    summary: {
      version: size === 348 ? 1 : 2,
      dims,
      voxelSize: parsed.pixDims.slice(1, 4),
      datatypeCode: parsed.datatypeCode,
      datatype: niftiDatatypes.get(parsed.datatypeCode)?.name ?? `code-${parsed.datatypeCode}`,
      bitsPerVoxel: parsed.numBitsPerVoxel,
      littleEndian: parsed.littleEndian,
      compressed,
      description: parsed.description.replace(/\0+$/, '').trim(),
    },
    voxOffset: parsed.vox_offset,
    voxelBytes: Math.ceil(voxelBits / 8),
  };
}
