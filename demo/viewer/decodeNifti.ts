import { decompress, isCompressed, isNIFTI, readHeader, readImage } from 'nifti-reader-js';
import { voxelReader } from './voxelReader';
import type { VolumeGrid } from './middleSlices';

export interface DecodedNifti {
  grid: VolumeGrid;
  dims: number[];
  voxelSize: number[];
  datatypeCode: number;
}

/**
 * Decodes a whole NIfTI file (gunzipping .nii.gz first) into a voxel grid
 * for the 2D fallback. Throws with a readable message for what it cannot show.
 */
export function decodeNifti(buffer: ArrayBuffer): DecodedNifti {
  const data = isCompressed(buffer) ? (decompress(buffer) as ArrayBuffer) : buffer;
  if (!isNIFTI(data)) throw new Error('This file is not NIfTI.');
  const header = readHeader(data);
  const image = readImage(header, data);
  const rank = Math.max(1, Math.min(7, header.dims[0] ?? 1));
  const dims = header.dims.slice(1, rank + 1);
  const read = voxelReader(image, header.datatypeCode, header.littleEndian, header.scl_slope, header.scl_inter);
  if (!read) throw new Error(`The 2D preview cannot show NIfTI datatype ${header.datatypeCode}.`);
  const axis = (index: number, values: number[]): number => Math.max(1, values[index] ?? 1);
  const spacing = (index: number): number => {
    const value = Math.abs(header.pixDims[index + 1] ?? 1);
    return Number.isFinite(value) && value > 0 ? value : 1;
  };
  return {
    grid: { size: [axis(0, dims), axis(1, dims), axis(2, dims)], spacing: [spacing(0), spacing(1), spacing(2)], read },
    dims,
    voxelSize: [spacing(0), spacing(1), spacing(2)].slice(0, Math.min(3, rank)),
    datatypeCode: header.datatypeCode,
  };
}
