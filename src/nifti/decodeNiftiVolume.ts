import { VolumeCacheError } from '../errors';
import { GzipMembersInflater } from './GzipMembersInflater';
import { NiftiVoxelCollector, type DecodedNiftiVolume } from './NiftiVoxelCollector';

export type { DecodedNiftiVolume };

export interface DecodeNiftiVolumeOptions {
  /** Aborting cancels the read (and the inflater) and rejects with `aborted`. */
  signal?: AbortSignal;
  /** Reported on errors. */
  url?: string;
}

/**
 * Deflate cannot expand one input byte into more than 1032 output bytes (a
 * 258-byte match coded in two bits), so a .nii.gz of n bytes decodes to at
 * most 1032 n: a header calling for more is damaged, and is refused before
 * its voxel buffer is allocated.
 */
const MAX_DEFLATE_RATIO = 1032;

/** Bytes of a gzip member's ISIZE, the last field of its trailer: the member's payload length mod 2^32. */
const ISIZE_BYTES = 4;

/**
 * Decodes a NIfTI-1/2 file (`.nii` or `.nii.gz`) into its header and ONE
 * ArrayBuffer of exactly the voxel bytes, in the platform's byte order.
 *
 * The Blob is streamed, never read whole: gzip is inflated chunk by chunk and
 * each decompressed chunk's bytes past vox_offset are copied straight into the
 * preallocated voxel buffer, so peak memory is the voxels plus a few chunks,
 * whatever the file's size. Use it in a worker for large volumes: inflating
 * and copying run on the calling thread.
 *
 * Gzip goes through the browser's DecompressionStream rather than fflate's
 * streaming Gunzip: measured in a dedicated worker in headless Chromium 156
 * (test/bench/decode/compareGunzip.mjs, results.md beside it), it decoded
 * every .nii.gz sample and two generated 256 MiB volumes 1.5 to 3.6 times
 * faster (spm152.nii.gz 126 against 44 MiB/s, a 256 MiB int16 volume 102
 * against 38 MiB/s); it verifies the gzip CRC-32 and length trailer, which
 * fflate's Gunzip does not (bad_crc.nii.gz decodes "fine" with it; adding a
 * JS CRC-32 makes fflate slower still); and it adds nothing to the bundle.
 *
 * A DecompressionStream decodes one gzip member only. So one inflater reads
 * the file first, the fast path for the usual single member; a file it fails
 * on, or whose last ISIZE is not the length it produced (Node's
 * DecompressionStream inflates further members itself), is read again member
 * by member (GzipMembersInflater), which is as NiftiStreamValidator reads
 * every download: both accept the same files and give the same voxels.
 *
 * Rejects with VolumeCacheError `not-nifti` (no valid header, or one decoding
 * cannot rely on: see niftiHeaderProblem), `corrupt` (truncated voxels, bad
 * gzip, unreadable Blob), `quota` (the voxel buffer cannot be allocated) or
 * `aborted`.
 */
export async function decodeNiftiVolume(source: Blob, options: DecodeNiftiVolumeOptions = {}): Promise<DecodedNiftiVolume> {
  const { signal, url } = options;
  const details = url === undefined ? {} : { url };
  const aborted = () => new VolumeCacheError('aborted', 'Decoding was aborted.', { ...details, cause: signal?.reason });
  if (signal?.aborted) throw aborted();

  const magic = new Uint8Array(await source.slice(0, 2).arrayBuffer());
  const compressed = magic[0] === 0x1f && magic[1] === 0x8b;
  const reading: Reading = {
    source,
    url,
    signal,
    aborted,
    collector: () => new NiftiVoxelCollector({ ...details, maxDecodedBytes: compressed ? source.size * MAX_DEFLATE_RATIO : source.size }),
    unreadable: (cause) => new VolumeCacheError('corrupt', 'The file could not be read to its end.', { ...details, cause }),
  };
  if (!compressed) return decodeUncompressed(reading);
  return (await decodeOneMember(reading)) ?? (await decodeMembers(reading));
}

/** What the ways of reading a file share. */
interface Reading {
  source: Blob;
  url: string | undefined;
  signal: AbortSignal | undefined;
  aborted: () => VolumeCacheError;
  collector: () => NiftiVoxelCollector;
  /** The error for a read of the file that failed. */
  unreadable: (cause: unknown) => VolumeCacheError;
}

async function decodeUncompressed(reading: Reading): Promise<DecodedNiftiVolume> {
  const voxels = reading.collector();
  // Bytes past the voxels are not needed.
  const consume = (chunk: Uint8Array) => {
    voxels.push(chunk);
    return voxels.complete;
  };
  await read(reading.source.stream(), consume, reading, reading.unreadable);
  return voxels.finish();
}

/**
 * The file inflated by one DecompressionStream, or null when that is not the
 * whole of it: the inflater failed (more members, or damage), or the file's
 * last ISIZE is not the length it gave. Reads to the end even once the
 * voxels are in, so that the inflater checks the CRC-32.
 */
async function decodeOneMember(reading: Reading): Promise<DecodedNiftiVolume | null> {
  const voxels = reading.collector();
  const inflated = reading.source.stream().pipeThrough(new DecompressionStream('gzip'));
  const consume = (chunk: Uint8Array) => {
    voxels.push(chunk);
    return false;
  };
  if (!(await read(inflated, consume, reading, () => null))) return null;
  if ((await lastIsize(reading.source)) !== voxels.receivedBytes % 2 ** 32) return null;
  return voxels.finish();
}

/** The file inflated member by member (GzipMembersInflater), as NiftiStreamValidator reads it. */
async function decodeMembers(reading: Reading): Promise<DecodedNiftiVolume> {
  const voxels = reading.collector();
  const inflater = new GzipMembersInflater((payload) => voxels.push(payload), reading.url);
  try {
    const consume = async (chunk: Uint8Array) => {
      await inflater.push(chunk);
      return false;
    };
    await read(reading.source.stream(), consume, reading, reading.unreadable);
    await inflater.finish();
  } finally {
    inflater.abandon();
  }
  return voxels.finish();
}

/** The file's last 4 bytes as a little-endian number: the ISIZE of its last gzip member. */
async function lastIsize(source: Blob): Promise<number> {
  const bytes = new DataView(await source.slice(Math.max(0, source.size - ISIZE_BYTES)).arrayBuffer());
  return bytes.byteLength === ISIZE_BYTES ? bytes.getUint32(0, true) : -1;
}

/**
 * Reads `stream` to its end, handing each chunk to `consume` (which returns
 * true to stop early). True once read or stopped; false when a read failed
 * and `unreadable` gave no error for it. Aborting cancels the read.
 */
async function read(
  stream: ReadableStream<Uint8Array>,
  consume: (chunk: Uint8Array) => boolean | Promise<boolean>,
  { signal, aborted }: Pick<Reading, 'signal' | 'aborted'>,
  unreadable: (cause: unknown) => VolumeCacheError | null,
): Promise<boolean> {
  const reader = stream.getReader();
  // Cancelling resolves the pending read as done; the loop then sees the signal.
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => undefined);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (signal?.aborted) throw aborted();
        const failure = unreadable(error);
        if (failure) throw failure;
        return false;
      }
      if (signal?.aborted) throw aborted();
      if (chunk.done || (await consume(chunk.value))) return true;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    // Stops the read (and an inflater) early after an error or once the voxels are in.
    reader.cancel().catch(() => undefined);
  }
}
