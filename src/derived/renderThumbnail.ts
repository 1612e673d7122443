import { VolumeCacheError } from '../errors';
import { extractAxialSlice, type SliceSource } from './extractAxialSlice';
import { fitThumbnailSize } from './fitThumbnailSize';
import { percentileWindow } from './percentileWindow';
import { windowToGrayscale } from './windowToGrayscale';

export interface RenderThumbnailOptions {
  /** The thumbnail fits size x size pixels (the longer side is exactly this). @default 128 */
  size?: number;
}

const MAX_SIZE = 4096;
/** Chromium's canvas side limit is 32767; no real slice comes near this. */
const MAX_SLICE_SIDE = 16384;

/**
 * A PNG thumbnail of a decoded volume: the middle axial slice (of the first
 * volume of a 4-D series), windowed to its 2nd-98th percentile after
 * scl_slope/scl_inter, laid out anterior-up with the subject's right on the
 * right, and scaled to fit `size` x `size` at its physical aspect ratio.
 *
 * Needs OffscreenCanvas (pages and dedicated workers in current browsers);
 * without it rejects with `unsupported`. The slice work is pure
 * (extractAxialSlice, percentileWindow, windowToGrayscale, fitThumbnailSize);
 * only drawing and PNG encoding touch the canvas.
 */
export async function renderThumbnail(header: SliceSource, voxels: ArrayBuffer, options: RenderThumbnailOptions = {}): Promise<Blob> {
  const { size = 128 } = options;
  if (!Number.isInteger(size) || size < 1 || size > MAX_SIZE) {
    throw new VolumeCacheError('invalid-argument', `Thumbnail size must be a whole number of pixels from 1 to ${MAX_SIZE} (got ${String(size)}).`);
  }
  if (typeof OffscreenCanvas === 'undefined') {
    throw new VolumeCacheError('unsupported', 'Rendering a thumbnail needs OffscreenCanvas.');
  }
  const slice = extractAxialSlice(header, voxels);
  if (slice.width > MAX_SLICE_SIDE || slice.height > MAX_SLICE_SIDE) {
    throw new VolumeCacheError('unsupported', `A ${slice.width} x ${slice.height} slice is too large to draw.`);
  }
  const pixels = windowToGrayscale(slice.values, percentileWindow(slice.values));

  const source = new OffscreenCanvas(slice.width, slice.height);
  const sourceContext = source.getContext('2d');
  const target = fitThumbnailSize(slice.width, slice.height, slice.columnSpacing, slice.rowSpacing, size);
  const canvas = new OffscreenCanvas(target.width, target.height);
  const context = canvas.getContext('2d');
  if (!sourceContext || !context) throw new VolumeCacheError('unsupported', 'OffscreenCanvas has no 2d context here.');
  sourceContext.putImageData(new ImageData(pixels, slice.width, slice.height), 0, 0);
  // Smoothed resampling both ways: downscaling averages instead of skipping
  // voxels, and small slices scaled up look like images rather than blocks.
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(source, 0, 0, target.width, target.height);
  return canvas.convertToBlob({ type: 'image/png' });
}
