import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { decodeNiftiVolume } from '../../../src/nifti/decodeNiftiVolume';
import { VolumeCacheError } from '../../../src/errors';
import { manifest, readSharedFile } from '../support/sharedData';
import { buildNiftiFile } from '../derived/support/buildNiftiFile';

// Node 20+ has Blob.stream() and DecompressionStream, so the streaming shell
// runs here as in a browser; test/browser/derived/decode.test.ts repeats the
// essentials in Chromium.

/** A Blob of the bytes (Node's Buffers are typed over ArrayBufferLike, which Blob's types refuse). */
const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const sha256 = (bytes: ArrayBuffer | Uint8Array) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

async function failure(promise: Promise<unknown>): Promise<VolumeCacheError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected decoding to fail');
}

/**
 * A Blob stand-in whose stream yields the given chunks, then (with `hang`)
 * never ends; records pulls and cancellation. `size` is what it claims to hold.
 */
function scriptedBlob(chunks: Uint8Array[], { hang = false, size: claimedSize }: { hang?: boolean; size?: number } = {}) {
  const state = { pulled: 0, cancelled: false };
  const size = chunks.reduce((sum, c) => sum + c.byteLength, 0);
  const all = new Uint8Array(size);
  chunks.reduce((at, c) => (all.set(c, at), at + c.byteLength), 0);
  const blob = {
    size: claimedSize ?? size,
    slice: (start: number, end: number) => new Blob([all.slice(start, end)]),
    stream: () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks[state.pulled++];
          if (next) controller.enqueue(next);
          else if (!hang) controller.close();
          else return new Promise<void>(() => undefined);
        },
        cancel() {
          state.cancelled = true;
        },
      }, { highWaterMark: 0 }),
  } as unknown as Blob;
  return { blob, state };
}

describe('decodeNiftiVolume on the shared sample files', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('%s: voxels are the file bytes after vox_offset', async (_name, facts) => {
    const raw = await readSharedFile(facts.file);
    const { header, voxels } = await decodeNiftiVolume(blobOf(raw));
    expect(header).toMatchObject({ version: facts.niftiVersion, dims: facts.dims, datatypeCode: facts.datatypeCode, voxelBytes: facts.voxelBytes });
    expect(voxels.byteLength).toBe(facts.voxelBytes);
    const file = facts.compressed ? new Uint8Array(gunzipSync(raw)) : raw;
    const fileVoxels = file.subarray(facts.voxOffset, facts.voxOffset + facts.voxelBytes);
    if (!header.swapped) expect(sha256(voxels)).toBe(sha256(fileVoxels));
    else expect(sha256(voxels)).not.toBe(sha256(fileVoxels)); // byte-swapped: values checked in NiftiVoxelCollector.test.ts
  });
});

describe('decodeNiftiVolume on bad input', () => {
  it.each<[string, string]>([
    ['truncated_gzip.nii.gz', 'corrupt'],
    ['bad_crc.nii.gz', 'corrupt'],
    ['gzip_not_nifti.nii.gz', 'not-nifti'],
    ['truncated_voxels.nii', 'corrupt'],
    ['wrong_magic.nii', 'not-nifti'],
    ['bad_sizeof_hdr.nii', 'not-nifti'],
    ['short_header.nii', 'not-nifti'],
    ['empty.nii', 'not-nifti'],
  ])('bad/%s -> %s', async (name, code) => {
    const error = await failure(decodeNiftiVolume(blobOf(await readSharedFile(`bad/${name}`)), { url: `https://data.example/${name}` }));
    expect(error.code).toBe(code);
    expect(error.url).toBe(`https://data.example/${name}`);
  });

  it('covers every file in ../shared/data/bad', () => {
    expect(manifest.bad).toHaveLength(8);
  });

  it('a gzip whose header claims more voxels than 1032x its size can inflate to is corrupt, without allocating them', async () => {
    const file = buildNiftiFile({ dims: [2000, 2000, 2000], datatypeCode: 64, bitPix: 64 }, new Uint8Array(0));
    const error = await failure(decodeNiftiVolume(blobOf(gzipSync(file))));
    expect(error.code).toBe('corrupt');
    expect(error.detail).toContain('more than this file can hold');
  });

  it('an uncompressed file shorter than its header says is corrupt before reading the voxels', async () => {
    const file = buildNiftiFile({ dims: [100, 100, 100], datatypeCode: 16, bitPix: 32 }, new Uint8Array(16));
    expect((await failure(decodeNiftiVolume(new Blob([file])))).code).toBe('corrupt');
  });
});

describe('decodeNiftiVolume streaming behaviour', () => {
  const voxels = new Uint8Array(24).map((_, i) => i);
  const file = buildNiftiFile({ dims: [3, 4, 2], datatypeCode: 2, bitPix: 8 }, voxels);

  it('stops reading an uncompressed file once the voxels are in (trailing chunks are never pulled)', async () => {
    const { blob, state } = scriptedBlob([file, new Uint8Array(100), new Uint8Array(100)]);
    const decoded = await decodeNiftiVolume(blob);
    expect(Array.from(new Uint8Array(decoded.voxels))).toEqual(Array.from(voxels));
    expect(state.pulled).toBe(1);
    expect(state.cancelled).toBe(true);
  });

  it('stops reading as soon as the first bytes are not NIfTI', async () => {
    const { blob, state } = scriptedBlob([new TextEncoder().encode('<!doctype html><p>Not found</p>'), new Uint8Array(1000)], { hang: true });
    expect((await failure(decodeNiftiVolume(blob))).code).toBe('not-nifti');
    expect(state.pulled).toBe(1);
    expect(state.cancelled).toBe(true);
  });

  it('an already-aborted signal rejects with aborted before reading', async () => {
    const { blob, state } = scriptedBlob([file]);
    const error = await failure(decodeNiftiVolume(blob, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('aborted');
    expect(state.pulled).toBe(0);
  });

  it('aborting mid-stream cancels the read and rejects with aborted', async () => {
    const { blob, state } = scriptedBlob([file.subarray(0, 360)], { hang: true, size: file.byteLength });
    const controller = new AbortController();
    const decoding = decodeNiftiVolume(blob, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(state.pulled).toBeGreaterThanOrEqual(1);
    controller.abort(new Error('user closed the viewer'));
    const error = await failure(decoding);
    expect(error.code).toBe('aborted');
    expect(state.cancelled).toBe(true);
  });

  it('gzip: reads to the end (for the CRC check) and ignores decompressed bytes past the voxels', async () => {
    const withTrailing = buildNiftiFile({ dims: [3, 4, 2], datatypeCode: 2, bitPix: 8 }, voxels, new Uint8Array(5000).fill(9));
    const decoded = await decodeNiftiVolume(blobOf(gzipSync(withTrailing)));
    expect(Array.from(new Uint8Array(decoded.voxels))).toEqual(Array.from(voxels));
  });
});
