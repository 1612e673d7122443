import { VolumeCacheError } from '../errors';

/**
 * How much is read or written in one call. A Blob read whole is copied
 * through memory twice, and browsers refuse single reads and writes past
 * 2 GiB (Chromium's SyncAccessHandle: "Cannot write more than 2GB"; its
 * Blob.arrayBuffer(): NotReadableError), where one buffer may be larger
 * (Firefox's may).
 */
export const SLICE_BYTES = 64 * 1024 * 1024;

/** Sizes fitsInOneBuffer() answers without allocating. */
const ALWAYS_FITS_BYTES = 2 ** 30;

/**
 * One buffer for a whole volume, or an `unsupported` error saying what to do
 * instead. Browsers cap a single ArrayBuffer (Chromium 150 refuses 2.25 GiB
 * with a bare "RangeError: Array buffer allocation failed"), and 4-D fMRI
 * reaches that: such a volume can be read with getFile() in slices, never in
 * one buffer. Allocated before anything is read, so nothing is wasted first.
 */
export function allocateVolumeBuffer(bytes: number, url?: string): ArrayBuffer {
  try {
    return new ArrayBuffer(bytes);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw tooLargeForOneBuffer(bytes, url, error);
  }
}

/** The `unsupported` error for a volume of `bytes` that no one buffer can hold. */
export function tooLargeForOneBuffer(bytes: number, url?: string, cause?: unknown): VolumeCacheError {
  return new VolumeCacheError(
    'unsupported',
    `${url ?? 'The volume'} is ${bytes} bytes, more than this browser can hold in one ArrayBuffer; read it with getFile() in slices (file.slice(start, end).arrayBuffer()).`,
    { ...(url === undefined ? {} : { url }), ...(cause === undefined ? {} : { cause }) },
  );
}

/**
 * Whether this platform can hand out one buffer of `bytes` now: asked for
 * real, since the cap differs by browser and build (Chromium 150 here
 * refuses anything past 2 GiB less 2 MiB; Firefox allows more). The buffer
 * is dropped at once: zeroed memory is reserved, not touched, so this is cheap.
 * Below 1 GiB it is not asked: every browser run here hands out such buffers.
 */
export function fitsInOneBuffer(bytes: number): boolean {
  if (bytes < ALWAYS_FITS_BYTES) return true;
  try {
    return new ArrayBuffer(bytes).byteLength === bytes;
  } catch {
    return false;
  }
}

/** A Blob's bytes in one buffer (allocateVolumeBuffer), read slice by slice. */
export async function readWholeBlob(blob: Blob, url?: string, sliceBytes = SLICE_BYTES): Promise<ArrayBuffer> {
  const buffer = allocateVolumeBuffer(blob.size, url);
  const view = new Uint8Array(buffer);
  for (let start = 0; start < blob.size; start += sliceBytes) {
    view.set(new Uint8Array(await blob.slice(start, Math.min(blob.size, start + sliceBytes)).arrayBuffer()), start);
  }
  return buffer;
}
