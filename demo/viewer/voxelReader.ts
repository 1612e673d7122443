/** NIfTI datatype codes the 2D fallback can show (scalar and RGB types). */
const READERS: Record<number, { bytes: number; read: (view: DataView, offset: number, littleEndian: boolean) => number }> = {
  2: { bytes: 1, read: (view, offset) => view.getUint8(offset) },
  4: { bytes: 2, read: (view, offset, le) => view.getInt16(offset, le) },
  8: { bytes: 4, read: (view, offset, le) => view.getInt32(offset, le) },
  16: { bytes: 4, read: (view, offset, le) => view.getFloat32(offset, le) },
  64: { bytes: 8, read: (view, offset, le) => view.getFloat64(offset, le) },
  256: { bytes: 1, read: (view, offset) => view.getInt8(offset) },
  512: { bytes: 2, read: (view, offset, le) => view.getUint16(offset, le) },
  768: { bytes: 4, read: (view, offset, le) => view.getUint32(offset, le) },
  // RGB24 and RGBA32: shown as luminance.
  128: { bytes: 3, read: (view, offset) => 0.299 * view.getUint8(offset) + 0.587 * view.getUint8(offset + 1) + 0.114 * view.getUint8(offset + 2) },
  2304: { bytes: 4, read: (view, offset) => 0.299 * view.getUint8(offset) + 0.587 * view.getUint8(offset + 1) + 0.114 * view.getUint8(offset + 2) },
};

/**
 * Reads voxel `index` of raw image bytes as a number, honouring the file's
 * byte order (big-endian files exist: avg152T1_LR_nifti.nii) and the
 * scl_slope/scl_inter scaling. Returns null for a datatype it cannot show.
 */
export function voxelReader(image: ArrayBuffer, datatypeCode: number, littleEndian: boolean, slope: number, intercept: number): ((index: number) => number) | null {
  const reader = READERS[datatypeCode];
  if (!reader) return null;
  const view = new DataView(image);
  const count = Math.floor(image.byteLength / reader.bytes);
  const scaled = Number.isFinite(slope) && slope !== 0 && !(slope === 1 && intercept === 0);
  return (index) => {
    if (index < 0 || index >= count) return Number.NaN;
    const raw = reader.read(view, index * reader.bytes, littleEndian);
    return scaled ? raw * slope + intercept : raw;
  };
}
