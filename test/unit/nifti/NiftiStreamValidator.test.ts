import { describe, it, expect } from 'vitest';
import { gzipSync } from 'node:zlib';
import { NiftiStreamValidator } from '../../../src/nifti/NiftiStreamValidator';
import { VolumeCacheError } from '../../../src/errors';
import type { NiftiSummary } from '../../../src/types';
import { manifest, readSharedFile } from '../support/sharedData';
import { createRandom, randomInt } from '../support/random';
import { NiftiVoxelCollector } from '../../../src/nifti/NiftiVoxelCollector';
import { buildNiftiFile, buildNiftiHeader, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { decodedFile, setFloat32, setInt16, setInt64 } from './support/headerBytes';
import { bgzf, concat, gzipMembers, partsOf } from './support/gzipMembers';
import { rejection } from '../support/rejection';

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

/** The code decoding the same (uncompressed) bytes fails with, or 'decoded': the other half of the one rule. */
function decodingCode(bytes: Uint8Array): string {
  try {
    const collector = new NiftiVoxelCollector();
    collector.push(bytes);
    collector.finish();
    return 'decoded';
  } catch (error) {
    return error instanceof VolumeCacheError ? error.code : String(error);
  }
}

/** The VolumeCacheError `promise` rejects with. */
const failure = rejection;

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

// One rule for getFile and getVolume: a download is cached as NIfTI only if
// decoding would accept it (NiftiVoxelCollector.test.ts holds the same cases).
describe('NiftiStreamValidator refuses every header decoding refuses, as decoding does', () => {
  const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };
  const voxels = new Uint8Array(4 * 3 * 2 * 2);

  it.each<[string, () => Uint8Array]>([
    ['a datatype code the standard lacks', () => buildNiftiFile({ ...INT16, datatypeCode: 3 }, voxels)],
    ['bitpix disagreeing with the datatype', () => buildNiftiFile({ ...INT16, bitPix: 8 }, voxels)],
    ['bitpix 0', () => buildNiftiFile({ ...INT16, bitPix: 0 }, voxels)],
    ['vox_offset inside the header', () => buildNiftiFile({ ...INT16, voxOffset: 100 }, voxels)],
    ['vox_offset 348, where the 4-byte extension flag is', () => buildNiftiFile({ ...INT16, voxOffset: 348 }, voxels)],
    ['vox_offset 351', () => buildNiftiFile({ ...INT16, voxOffset: 351 }, voxels)],
    ['a fractional vox_offset', () => buildNiftiFile({ ...INT16, voxOffset: 352.5 }, voxels)],
    ['a negative vox_offset', () => setFloat32(buildNiftiFile(INT16, voxels), 108, -352)],
    // Its expected length was NaN, and `decoded < NaN` is false: the truncation check passed whatever arrived.
    ['a NaN vox_offset, with no voxels at all', () => setFloat32(buildNiftiHeader(INT16), 108, Number.NaN)],
  ])('%s -> not-nifti, gzipped or not', async (_name, file) => {
    const bytes = file();
    for (const body of [bytes, new Uint8Array(gzipSync(bytes))]) {
      const error = await failure(validate([body]));
      expect(error.code).toBe('not-nifti');
      expect(error.url).toBe(URL_X);
      expect(decodingCode(bytes)).toBe('not-nifti');
    }
  });

  it('accepts vox_offset 352, the first byte after the extension flag (control)', async () => {
    const file = buildNiftiFile({ ...INT16, voxOffset: 352 }, voxels);
    expect(await validate([file])).toMatchObject({ dims: [4, 3, 2], datatype: 'int16' });
    expect(decodingCode(file)).toBe('decoded');
  });

  it.each<[string, (file: Uint8Array) => Uint8Array]>([
    ['a dimension of 2^53', (f) => setInt64(f, 24, 2n ** 53n)],
    ['vox_offset 540, inside the extension flag after the 540-byte header', (f) => setInt64(f, 168, 540n)],
    ['vox_offset 543', (f) => setInt64(f, 168, 543n)],
  ])('NIfTI-2, %s -> not-nifti, as decoding says', async (_name, corrupt) => {
    // row_major.dconn.nii: NIfTI-2, little-endian; dim[] is int64[8] at 16, vox_offset an int64 at 168.
    const file = corrupt((await readSharedFile('nifti/row_major.dconn.nii')).slice());
    expect((await failure(validate([file]))).code).toBe('not-nifti');
    expect(decodingCode(file)).toBe('not-nifti');
  });

  it('accepts a NIfTI-2 vox_offset of 544, right after the extension flag (avg152T1_LR_nifti2.nii.gz; control)', async () => {
    const facts = manifest.files.find((f) => f.file === 'nifti/avg152T1_LR_nifti2.nii.gz')!;
    expect(facts.voxOffset).toBe(544);
    expect(await validate([await readSharedFile(facts.file)])).toMatchObject({ version: 2, dims: facts.dims });
    expect(decodingCode(await decodedFile(facts.file, true))).toBe('decoded');
  });
});

describe('NiftiStreamValidator on multi-member gzip', () => {
  describe.each(manifest.files.map((file) => [file.file, file] as const))('%s', (_name, facts) => {
    it('gzipped in three members (cat a.gz b.gz c.gz): the manifest facts, for every chunking', async () => {
      const decoded = await decodedFile(facts.file, facts.compressed);
      const stream = gzipMembers(partsOf(decoded, Math.ceil(decoded.byteLength / 3)));
      for (const chunking of chunkingsFor(stream.byteLength)) {
        const summary = await validate(chunking.split(stream));
        expect(summary, chunking.name).toMatchObject({ version: facts.niftiVersion, dims: facts.dims, datatypeCode: facts.datatypeCode, compressed: true });
      }
    });
  });

  it('BGZF with 1 KiB blocks, so that the header itself spans members', async () => {
    const decoded = await decodedFile('nifti/example_nifti2.nii.gz', true);
    for (const chunking of [oneChunk, fixed(7), randomSizes(8)]) {
      expect(await validate(chunking.split(bgzf(decoded, 1024))), chunking.name).toMatchObject({ version: 2, dims: [32, 20, 12, 2], compressed: true });
    }
  });

  it.each<[string, (members: Uint8Array[]) => Uint8Array]>([
    ['a wrong CRC-32 in the second member', (m) => {
      m[1]![m[1]!.byteLength - 8]! ^= 0xff;
      return concat(m);
    }],
    ['a stream cut inside the last member', (m) => concat(m).subarray(0, concat(m).byteLength - 3)],
    ['junk after the last member', (m) => concat([...m, new TextEncoder().encode('garbage!')])],
    // Zero padding after the last member is the platform inflater's call on the fast path (Node
    // accepts it, Chromium refuses, and the member pass then does too: GzipMembersInflater.test.ts).
  ])('%s -> corrupt', async (_name, damage) => {
    const decoded = await decodedFile('nifti/functional.nii', false);
    const members = partsOf(decoded, 15_000).map((part) => new Uint8Array(gzipSync(part)));
    for (const chunking of [oneChunk, fixed(4096)]) {
      const error = await failure(validate(chunking.split(damage(members.map((m) => m.slice())))));
      expect(error.code, chunking.name).toBe('corrupt');
      expect(error.url).toBe(URL_X);
    }
  });

  it('two members each holding a whole volume: the first is the file, the rest trailing bytes', async () => {
    const decoded = await decodedFile('nifti/functional.nii', false);
    expect(await validate([gzipMembers([decoded, decoded])])).toMatchObject({ dims: [17, 21, 3, 20], compressed: true });
  });
});
