import { VolumeCacheError } from '../errors';

/** How much of a Blob is read at a time into the one buffer: a Blob read whole is copied through memory twice. */
const SLICE_BYTES = 64 * 1024 * 1024;

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
    throw new VolumeCacheError(
      'unsupported',
      `${url ?? 'The volume'} is ${bytes} bytes, more than this browser can hold in one ArrayBuffer; read it with getFile() in slices (file.slice(start, end).arrayBuffer()).`,
      { ...(url === undefined ? {} : { url }), cause: error },
    );
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
