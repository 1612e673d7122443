import { createHash } from 'node:crypto';
import type { ByteSource } from './byteSource.ts';
import { fixedLastModified } from './fixedLastModified.ts';

/**
 * Deterministic NIfTI-1 volumes of any size, generated on the fly so
 * large-download tests need neither big fixtures nor disk space: a 352-byte
 * header (348 + 4-byte extension flag), then 256*256*k*t uint8 voxels (k
 * slices, dim[3], up to 32767: about 2 GiB; t frames, dim[4], a 4-D volume,
 * for more).
 *
 * Voxels are produced in 1 MiB chunks, each from an xorshift32 stream seeded by
 * (seed, version, chunk index). Any byte range can therefore be produced
 * without generating what precedes it, which keeps Range requests cheap.
 */

export const GENERATED_HEADER_BYTES = 352;
const SLICE_BYTES = 256 * 256;
const CHUNK_BYTES = 1 << 20;
const MAX_SLICES = 32767; // dim[] is int16
/** Enough for the 2 GiB tests, few enough that a typo cannot ask the server for a terabyte. */
const MAX_FRAMES = 4;

export interface GeneratedVolumeSpec {
  /** Number of 256x256 slices (dim[3]). */
  slices: number;
  /** Number of frames (dim[4]); 1, a 3-D volume, when absent. */
  frames?: number;
  seed: number;
  /** Content version: a new version is a new file (new bytes, ETag and Last-Modified). */
  version: number;
}

export function generatedVolumeBytes(slices: number, frames = 1): number {
  return GENERATED_HEADER_BYTES + SLICE_BYTES * slices * frames;
}

export function isValidGeneratedVolumeSpec({ slices, frames = 1, seed, version }: GeneratedVolumeSpec): boolean {
  return (
    Number.isInteger(slices) && slices >= 1 && slices <= MAX_SLICES &&
    Number.isInteger(frames) && frames >= 1 && frames <= MAX_FRAMES &&
    Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff &&
    Number.isInteger(version) && version >= 0 && version <= 0xffffffff
  );
}

/**
 * Voxel chunks already produced, to serve again as they are. Generating costs
 * the server about 0.6 CPU-seconds per 200 MB (0.1 s when kept), some 40 % of
 * what the client's SHA-256 of the same bytes costs, and the bench's server
 * shares two cores with the browser it measures; kept, a repeated request costs
 * what a static file server's would, a copy from memory. Nothing is evicted:
 * only for a process that serves a few known volumes.
 */
export type GeneratedChunkCache = Map<string, Uint8Array>;

export function generatedVolumeSource(spec: GeneratedVolumeSpec, chunkCache?: GeneratedChunkCache): ByteSource {
  const { slices, frames = 1, seed, version } = spec;
  return {
    size: generatedVolumeBytes(slices, frames),
    etag: `"gen-${slices}${frames === 1 ? '' : `x${frames}`}-${seed}-v${version}"`,
    // A later version is newer, so If-Modified-Since sees the change too.
    lastModified: new Date(fixedLastModified.getTime() + version * 86_400_000),
    chunks: (start, endInclusive) => generatedVolumeChunks(spec, start, endInclusive, chunkCache),
  };
}

const sha256Cache = new Map<string, Promise<string>>();

/**
 * SHA-256 (hex) of the bytes /gen/<slices>-<seed>.nii?v=<version> (or, with
 * frames, /gen/<slices>x<frames>-<seed>.nii) serves; memoised per process.
 */
export function generatedVolumeSha256(slices: number, seed: number, version = 1, frames = 1): Promise<string> {
  const spec = { slices, frames, seed, version };
  if (!isValidGeneratedVolumeSpec(spec)) throw new RangeError(`invalid generated volume ${JSON.stringify(spec)}`);
  const key = `${slices}x${frames}-${seed}-${version}`;
  let digest = sha256Cache.get(key);
  if (!digest) {
    digest = hashGeneratedVolume(spec);
    sha256Cache.set(key, digest);
  }
  return digest;
}

async function hashGeneratedVolume(spec: GeneratedVolumeSpec): Promise<string> {
  const hash = createHash('sha256');
  for (const chunk of generatedVolumeChunks(spec, 0, generatedVolumeBytes(spec.slices, spec.frames) - 1)) {
    hash.update(chunk);
    // A GiB takes seconds; let timers and I/O of the calling test run meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return hash.digest('hex');
}

function* generatedVolumeChunks(
  spec: GeneratedVolumeSpec,
  start: number,
  endInclusive: number,
  chunkCache?: GeneratedChunkCache,
): Generator<Uint8Array> {
  const end = endInclusive + 1;
  if (start < GENERATED_HEADER_BYTES) {
    yield niftiHeader(spec).subarray(start, Math.min(end, GENERATED_HEADER_BYTES));
  }
  const voxelStart = Math.max(start, GENERATED_HEADER_BYTES) - GENERATED_HEADER_BYTES;
  const voxelEnd = end - GENERATED_HEADER_BYTES;
  for (let chunkStart = voxelStart - (voxelStart % CHUNK_BYTES); chunkStart < voxelEnd; chunkStart += CHUNK_BYTES) {
    const chunk = chunkCache ? cachedVoxelChunk(chunkCache, spec, chunkStart / CHUNK_BYTES) : voxelChunk(spec, chunkStart / CHUNK_BYTES);
    yield chunk.subarray(Math.max(voxelStart - chunkStart, 0), Math.min(voxelEnd - chunkStart, CHUNK_BYTES));
  }
}

function cachedVoxelChunk(cache: GeneratedChunkCache, spec: GeneratedVolumeSpec, index: number): Uint8Array {
  const key = `${spec.seed}-${spec.version}-${index}`;
  let chunk = cache.get(key);
  if (!chunk) {
    chunk = voxelChunk(spec, index);
    cache.set(key, chunk);
  }
  return chunk;
}

/** A fresh buffer per chunk: the HTTP response may still hold the previous one (cached chunks are never written again). */
function voxelChunk({ seed, version }: GeneratedVolumeSpec, index: number): Uint8Array {
  const words = new Uint32Array(CHUNK_BYTES / 4);
  let x = fmix32(fmix32(seed ^ fmix32(version + 0x9e3779b9)) ^ Math.imul(index + 1, 0x85ebca6b)) || 0x6d2b79f5;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x;
  }
  // Platform byte order; every platform Node and Chromium run on here is little endian.
  return new Uint8Array(words.buffer);
}

/** murmur3's finaliser: spreads nearby seeds/indices into unrelated xorshift states. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function niftiHeader({ slices, frames = 1, seed, version }: GeneratedVolumeSpec): Uint8Array {
  const bytes = new Uint8Array(GENERATED_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  const ascii = (offset: number, text: string, max: number) => {
    for (let i = 0; i < Math.min(text.length, max); i++) bytes[offset + i] = text.charCodeAt(i);
  };
  view.setInt32(0, 348, true); // sizeof_hdr
  bytes[38] = 0x72; // regular = 'r'
  [frames === 1 ? 3 : 4, 256, 256, slices, frames, 1, 1, 1].forEach((d, i) => view.setInt16(40 + 2 * i, d, true)); // dim
  view.setInt16(70, 2, true); // datatype: DT_UINT8
  view.setInt16(72, 8, true); // bitpix
  for (let i = 0; i < 8; i++) view.setFloat32(76 + 4 * i, 1, true); // pixdim (pixdim[0] = qfac)
  view.setFloat32(108, GENERATED_HEADER_BYTES, true); // vox_offset
  view.setFloat32(112, 1, true); // scl_slope
  bytes[123] = 2 | 8; // xyzt_units: mm, s
  ascii(148, `volume-cache test volume k=${slices}${frames === 1 ? '' : ` t=${frames}`} seed=${seed} v=${version}`, 79); // descrip
  view.setInt16(254, 1, true); // sform_code: scanner; identity srow_x/y/z
  view.setFloat32(280, 1, true);
  view.setFloat32(296 + 4, 1, true);
  view.setFloat32(312 + 8, 1, true);
  ascii(344, 'n+1', 3); // magic "n+1\0"; bytes 348..351 stay 0: no extensions
  return bytes;
}
