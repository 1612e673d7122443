export interface PixelSize {
  width: number;
  height: number;
}

/**
 * Pixel size of a thumbnail that fits `size` x `size` and keeps the slice's
 * physical aspect ratio (columns * columnSpacing by rows * rowSpacing): the
 * longer side gets `size` pixels, the other at least 1. Small slices are
 * scaled up, so thumbnails of one size line up. Pure.
 */
export function fitThumbnailSize(columns: number, rows: number, columnSpacing: number, rowSpacing: number, size: number): PixelSize {
  const physicalWidth = columns * columnSpacing;
  const physicalHeight = rows * rowSpacing;
  if (!(physicalWidth > 0) || !(physicalHeight > 0) || !Number.isFinite(physicalWidth) || !Number.isFinite(physicalHeight)) {
    return { width: size, height: size };
  }
  const scale = size / Math.max(physicalWidth, physicalHeight);
  return {
    width: Math.min(size, Math.max(1, Math.round(physicalWidth * scale))),
    height: Math.min(size, Math.max(1, Math.round(physicalHeight * scale))),
  };
}
