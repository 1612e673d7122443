import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { NiftiStreamValidator } from '../../../src/nifti/NiftiStreamValidator';
import { VolumeCacheError } from '../../../src/errors';
import type { NiftiSummary } from '../../../src/types';
import { manifest, readSharedFile } from '../support/sharedData';
import { createRandom, randomInt } from '../support/random';
import { buildNiftiFile, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { decodedFile, setFloat32, setInt16, setInt64 } from './support/headerBytes';

const URL_X = 'https://data.example/volume';
/** Files under this size also get the (slow) 7-byte chunking. */
const SMALL_FILE_BYTES = 100_000;

type Chunking = { name: string; split: (bytes: Uint8Array) => Uint8Array[] };

const oneChunk: Chunking = { name: 'one chunk', split: (bytes) => [bytes] };
const firstByteThenRest: Chunking = { name: '1-byte first chunk, then the rest', split: (bytes) => [bytes.subarray(0, 1), bytes.subarray(1)] };
const fixed = (size: number): Chunking => ({
  name: `${size}-byte chunks`,
  split: (bytes) => {
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.byteLength; offset += size) chunks.push(bytes.subarray(offset, offset + size));
    return chunks;
  },
});
const randomSizes = (seed: number): Chunking => ({
  name: `random chunk sizes (seed ${seed})`,
  split: (bytes) => {
    const random = createRandom(seed);
    const chunks: Uint8Array[] = [];
    for (let offset = 0; offset < bytes.byteLength; ) {
      // Sizes spread over 1 B .. 64 KiB on a log scale so tiny and large chunks both occur.
      const size = randomInt(random, 1, 2 ** randomInt(random, 0, 16));
      chunks.push(bytes.subarray(offset, offset + size));
      offset += size;
    }
    return chunks;
  },
});

function chunkingsFor(bytes: number): Chunking[] {
  const chunkings = [oneChunk, firstByteThenRest, randomSizes(1), randomSizes(2)];
  if (bytes < SMALL_FILE_BYTES) chunkings.push(fixed(7));
  return chunkings;
}

async function validate(chunks: readonly Uint8Array[]): Promise<NiftiSummary> {
  const validator = new NiftiStreamValidator(URL_X);
  for (const chunk of chunks) await validator.push(chunk);
  return validator.finish();
}

async function failure(promise: Promise<unknown>): Promise<VolumeCacheError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected validation to fail');
}

describe('NiftiStreamValidator on the shared sample files', () => {
  describe.each(manifest.files.map((file) => [file.file, file] as const))('%s', (_name, facts) => {
    it.each(chunkingsFor(facts.bytes).map((c) => [c.name, c] as const))('resolves with the manifest facts: %s', async (_chunking, chunking) => {
      const bytes = await readSharedFile(facts.file);
      expect(bytes.byteLength).toBe(facts.bytes);
      const chunks = chunking.split(bytes);
      expect(chunks.reduce((sum, c) => sum + c.byteLength, 0)).toBe(facts.bytes);
      const summary = await validate(chunks);
      expect(summary.version).toBe(facts.niftiVersion);
      expect(summary.dims).toEqual(facts.dims);
      expect(summary.datatypeCode).toBe(facts.datatypeCode);
      expect(summary.compressed).toBe(facts.compressed);
      expect(summary.littleEndian).toBe(facts.littleEndian);
    });
  });

  it('ignores empty chunks anywhere in the stream', async () => {
    const bytes = await readSharedFile('nifti/example_nifti2.nii.gz');
    const empty = new Uint8Array(0);
    const summary = await validate([empty, bytes.subarray(0, 1), empty, bytes.subarray(1, 5000), empty, bytes.subarray(5000), empty]);
    expect(summary).toMatchObject({ version: 2, dims: [32, 20, 12, 2], compressed: true });
  });
});

describe('NiftiStreamValidator on the bad files', () => {
  const expectedCodes: Record<string, 'corrupt' | 'not-nifti'> = {
    'bad/truncated_gzip.nii.gz': 'corrupt',
    'bad/bad_crc.nii.gz': 'corrupt',
    'bad/gzip_not_nifti.nii.gz': 'not-nifti',
    'bad/truncated_voxels.nii': 'corrupt',
    'bad/wrong_magic.nii': 'not-nifti',
    'bad/bad_sizeof_hdr.nii': 'not-nifti',
    'bad/short_header.nii': 'not-nifti',
    'bad/empty.nii': 'not-nifti',
  };

  it('covers every bad file in manifest.json', () => {
    expect(Object.keys(expectedCodes).sort()).toEqual(manifest.bad.map((b) => b.file).sort());
  });

  describe.each(manifest.bad.map((file) => [file.file, file] as const))('%s', (name, facts) => {
    const code = expectedCodes[name]!;
    it.each(chunkingsFor(facts.bytes).map((c) => [c.name, c] as const))(`rejects with ${code}: %s`, async (_chunking, chunking) => {
      const bytes = await readSharedFile(facts.file);
      expect(bytes.byteLength).toBe(facts.bytes);
      const error = await failure(validate(chunking.split(bytes)));
      expect(error.code).toBe(code);
      expect(error.url).toBe(URL_X);
    });
  });
});

describe('NiftiStreamValidator edge cases', () => {
  it('rejects a gzip stream cut inside the NIfTI header as corrupt', async () => {
    const bytes = await readSharedFile('nifti/example_nifti2.nii.gz');
    expect((await failure(validate([bytes.subarray(0, 20)]))).code).toBe('corrupt');
  });

  it('rejects an uncompressed header with no voxels as corrupt', async () => {
    const bytes = await readSharedFile('nifti/functional.nii');
    expect((await failure(validate([bytes.subarray(0, 352)]))).code).toBe('corrupt');
  });

  it('rejects a file one byte short of its voxels as corrupt', async () => {
    const bytes = await readSharedFile('nifti/functional.nii');
    expect((await failure(validate([bytes.subarray(0, bytes.byteLength - 1)]))).code).toBe('corrupt');
  });

  it('rejects a single byte (even the first gzip magic byte) as not-nifti', async () => {
    expect((await failure(validate([new Uint8Array([0x1f])]))).code).toBe('not-nifti');
  });

  it('rejects a gzip stream followed by junk as corrupt', async () => {
    const gz = await readSharedFile('nifti/example_nifti2.nii.gz');
    const withJunk = new Uint8Array(gz.byteLength + 8);
    withJunk.set(gz);
    withJunk.set(new TextEncoder().encode('garbage!'), gz.byteLength);
    expect((await failure(validate([withJunk]))).code).toBe('corrupt');
  });

  it('rejects a gzip stream whose length trailer (ISIZE) is wrong as corrupt', async () => {
    const gz = (await readSharedFile('nifti/example_nifti2.nii.gz')).slice();
    gz[gz.byteLength - 2]! ^= 0xff;
    expect((await failure(validate(fixed(4096).split(gz)))).code).toBe('corrupt');
  });

  it('abandon() mid-stream releases the inflater without throwing', async () => {
    const gz = await readSharedFile('nifti/big.nii.gz');
    const validator = new NiftiStreamValidator(URL_X);
    await validator.push(gz.subarray(0, 1000));
    expect(() => validator.abandon()).not.toThrow();
    expect(() => validator.abandon()).not.toThrow();
    // Let the aborted writer settle; vitest fails the run on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});

describe('NiftiStreamValidator on broken headers', () => {
  // The whole of functional.nii (NIfTI-1, little-endian; dim[] is int16[8] at
  // byte 40), so that only its header can be at fault.
  async function functionalFile(): Promise<Uint8Array> {
    return (await readSharedFile('nifti/functional.nii')).slice();
  }

  it.each<[string, (file: Uint8Array) => Uint8Array]>([
    ['dim[0] = 0 (no dimensions)', (f) => setInt16(f, 40, 0)],
    ['dim[0] = 8 (more than 7)', (f) => setInt16(f, 40, 8)],
    ['dim[0] negative', (f) => setInt16(f, 40, -1)],
    ['a zero dimension', (f) => setInt16(f, 42, 0)],
    ['a negative dimension', (f) => setInt16(f, 44, -5)],
    ['wrong magic', (f) => { f.set([0x58, 0x59, 0x5a, 0x00], 344); return f; }],
    ['sizeof_hdr zeroed', (f) => { f.set([0, 0, 0, 0], 0); return f; }],
    ['all zero bytes', (f) => f.fill(0)],
  ])('rejects %s with not-nifti', async (_name, corrupt) => {
    const error = await failure(validate([corrupt(await functionalFile())]));
    expect(error.code).toBe('not-nifti');
    expect(error.url).toBe(URL_X);
  });

  it('accepts the unmodified file (control)', async () => {
    expect((await validate([await functionalFile()])).dims).toEqual([17, 21, 3, 20]);
  });

  it.each(manifest.files.map((file) => [file.file, file] as const))('rejects %s cut one byte short of its fixed header with not-nifti', async (_name, facts) => {
    const decoded = await decodedFile(facts.file, facts.compressed);
    const cut = decoded.slice(0, (facts.niftiVersion === 1 ? 348 : 540) - 1);
    const error = await failure(validate([facts.compressed ? new Uint8Array(gzipSync(cut)) : cut]));
    expect(error.code).toBe('not-nifti');
    expect(error.url).toBe(URL_X);
  });
});

// Pinned so that validating a download as decoding does (a later change) is a
// deliberate one: NiftiVoxelCollector.test.ts shows decoding refuses these.
describe('NiftiStreamValidator accepts headers that decoding refuses', () => {
  const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };
  const voxels = new Uint8Array(4 * 3 * 2 * 2);

  it.each<[string, () => Uint8Array, Partial<NiftiSummary>]>([
    ['a datatype code the standard lacks', () => buildNiftiFile({ ...INT16, datatypeCode: 3 }, voxels), { datatypeCode: 3, datatype: 'code-3' }],
    ['bitpix disagreeing with the datatype', () => buildNiftiFile({ ...INT16, bitPix: 8 }, voxels), { datatype: 'int16', bitsPerVoxel: 8 }],
    ['bitpix 0', () => buildNiftiFile({ ...INT16, bitPix: 0 }, voxels), { bitsPerVoxel: 0 }],
    ['vox_offset inside the header', () => buildNiftiFile({ ...INT16, voxOffset: 100 }, voxels), { dims: [4, 3, 2] }],
    ['a negative vox_offset', () => setFloat32(buildNiftiFile(INT16, voxels), 108, -352), { dims: [4, 3, 2] }],
    ['a NaN vox_offset', () => setFloat32(buildNiftiFile(INT16, voxels), 108, Number.NaN), { dims: [4, 3, 2] }],
  ])('%s', async (_name, file, expected) => {
    expect(await validate([file()])).toMatchObject(expected);
  });

  it('refuses a NIfTI-2 dimension of 2^53 as truncated (corrupt), where decoding says not-nifti', async () => {
    // row_major.dconn.nii: NIfTI-2, little-endian; dim[1] is an int64 at byte 24.
    const file = setInt64((await readSharedFile('nifti/row_major.dconn.nii')).slice(), 24, 2n ** 53n);
    expect((await failure(validate([file]))).code).toBe('corrupt');
  });
});
