import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import { decodeNiftiVolume } from '../../../src/nifti/decodeNiftiVolume';
import { VolumeCacheError } from '../../../src/errors';
import { manifest, readSharedFile } from '../support/sharedData';
import { buildNiftiFile } from '../derived/support/buildNiftiFile';
import { bgzf, concat, gzipMembers, partsOf } from './support/gzipMembers';
import { rejection } from '../support/rejection';

// Node 20+ has Blob.stream() and DecompressionStream, so the streaming shell
// runs here as in a browser; test/browser/derived/decode.test.ts repeats the
// essentials in Chromium.

/** A Blob of the bytes (Node's Buffers are typed over ArrayBufferLike, which Blob's types refuse). */
const blobOf = (bytes: Uint8Array) => new Blob([bytes as Uint8Array<ArrayBuffer>]);
const sha256 = (bytes: ArrayBuffer | Uint8Array) => createHash('sha256').update(new Uint8Array(bytes)).digest('hex');

/** The VolumeCacheError `promise` rejects with. */
const failure = rejection;

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

/** A Blob that counts how often it is streamed: a single-member .nii.gz is inflated in one pass, others in a second. */
class CountingBlob extends Blob {
  streams = 0;

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.streams++;
    return super.stream();
  }
}

describe('decodeNiftiVolume on multi-member gzip', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('%s gzipped in three members: the voxels of the file itself', async (_name, facts) => {
    const raw = await readSharedFile(facts.file);
    const file = facts.compressed ? new Uint8Array(gunzipSync(raw)) : raw;
    const expected = await decodeNiftiVolume(blobOf(raw));
    const decoded = await decodeNiftiVolume(blobOf(gzipMembers(partsOf(file, Math.ceil(file.byteLength / 3)))));
    expect(decoded.header).toEqual(expected.header);
    expect(sha256(decoded.voxels)).toBe(sha256(expected.voxels));
  });

  it('BGZF: 64 KiB blocks of a 17 MB sample, each its own member', async () => {
    const raw = await readSharedFile('nifti/MNI152_2009_template.nii.gz');
    const expected = await decodeNiftiVolume(blobOf(raw));
    const decoded = await decodeNiftiVolume(blobOf(bgzf(new Uint8Array(gunzipSync(raw)))));
    expect(decoded.header).toEqual(expected.header);
    expect(sha256(decoded.voxels)).toBe(sha256(expected.voxels));
  });

  it('inflates a single-member file in one pass, and a multi-member one member by member in a second', async () => {
    const raw = await readSharedFile('nifti/example4d.nii.gz');
    const single = new CountingBlob([raw as Uint8Array<ArrayBuffer>]);
    await decodeNiftiVolume(single);
    expect(single.streams).toBe(1);
    const members = new CountingBlob([gzipMembers(partsOf(new Uint8Array(gunzipSync(raw)), 300_000)) as Uint8Array<ArrayBuffer>]);
    await decodeNiftiVolume(members);
    expect(members.streams).toBe(2);
  });

  describe('damaged', () => {
    const voxels = new Uint8Array(48_000).map((_, i) => i * 7);
    const file = buildNiftiFile({ dims: [40, 30, 20], datatypeCode: 4, bitPix: 16 }, voxels);
    const members = () => partsOf(file, 10_000).map((part) => new Uint8Array(gzipSync(part)));

    it.each<[string, (m: Uint8Array[]) => Uint8Array]>([
      ['a wrong CRC-32 in the second member', (m) => {
        m[1]![m[1]!.byteLength - 8]! ^= 0xff;
        return concat(m);
      }],
      ['a stream cut inside the last member', (m) => concat(m).subarray(0, concat(m).byteLength - 3)],
      ['junk after the last member', (m) => concat([...m, new TextEncoder().encode('garbage!')])],
      ['zero padding after the last member', (m) => concat([...m, new Uint8Array(16)])],
    ])('%s -> corrupt', async (_name, damage) => {
      const error = await failure(decodeNiftiVolume(blobOf(damage(members())), { url: 'https://data.example/x.nii.gz' }));
      expect(error.code).toBe('corrupt');
      expect(error.url).toBe('https://data.example/x.nii.gz');
    });

    it('an undamaged copy decodes (control)', async () => {
      expect(sha256((await decodeNiftiVolume(blobOf(concat(members())))).voxels)).toBe(sha256(voxels));
    });
  });

  it('aborting while the members are inflated cancels that read and rejects with aborted', async () => {
    const stream = gzipMembers(partsOf(buildNiftiFile({ dims: [100, 100, 10], datatypeCode: 2, bitPix: 8 }, new Uint8Array(100_000)), 20_000));
    let cancelled = false;
    /** Streams whole the first time; the second time gives the first 1000 bytes, then nothing. */
    class StallsOnSecondRead extends Blob {
      private reads = 0;

      override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
        if (++this.reads === 1) return super.stream();
        return new ReadableStream<Uint8Array<ArrayBuffer>>({
          start: (controller) => controller.enqueue(stream.slice(0, 1000)),
          pull: () => new Promise<void>(() => undefined),
          cancel: () => {
            cancelled = true;
          },
        });
      }
    }
    const controller = new AbortController();
    const decoding = decodeNiftiVolume(new StallsOnSecondRead([stream as Uint8Array<ArrayBuffer>]), { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error('user closed the viewer'));
    expect((await failure(decoding)).code).toBe('aborted');
    expect(cancelled).toBe(true);
  });
});
