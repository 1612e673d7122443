import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { niftiHeaderSize, summarizeNiftiHeader } from '../../../src/nifti/summarizeNiftiHeader';
import { VolumeCacheError } from '../../../src/errors';
import { manifest, readSharedFile } from '../support/sharedData';

const URL_X = 'https://data.example/x.nii';

async function decodedFile(relativePath: string, compressed: boolean): Promise<Uint8Array> {
  const raw = await readSharedFile(relativePath);
  return compressed ? new Uint8Array(gunzipSync(raw)) : raw;
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

function int32(value: number, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value, littleEndian);
  return bytes;
}

describe('niftiHeaderSize', () => {
  it.each<[string, Uint8Array, 348 | 540 | null]>([
    ['348 little-endian (NIfTI-1)', int32(348, true), 348],
    ['348 big-endian (NIfTI-1)', int32(348, false), 348],
    ['540 little-endian (NIfTI-2)', int32(540, true), 540],
    ['540 big-endian (NIfTI-2)', int32(540, false), 540],
    ['zero', int32(0, true), null],
    ['another size', int32(352, true), null],
    ['fewer than 4 bytes', new Uint8Array([0x5c, 0x01, 0x00]), null],
    ['no bytes', new Uint8Array(0), null],
  ])('%s', (_name, bytes, expected) => {
    expect(niftiHeaderSize(bytes)).toBe(expected);
  });

  it('reads from the view’s own offset, not the start of its buffer', () => {
    const backing = new Uint8Array(12);
    backing.set(int32(540, true), 8);
    expect(niftiHeaderSize(backing.subarray(8))).toBe(540);
    expect(niftiHeaderSize(backing.subarray(0, 4))).toBe(null);
  });
});

describe('summarizeNiftiHeader on the shared sample files', () => {
  describe.each(manifest.files.map((file) => [file.file, file] as const))('%s', (_name, facts) => {
    it('matches manifest.json', async () => {
      const decoded = await decodedFile(facts.file, facts.compressed);
      expect(decoded.byteLength).toBe(facts.decompressedBytes);
      // Only the first bytes are given, as the stream validator does.
      const parsed = summarizeNiftiHeader(decoded.subarray(0, 544), facts.compressed, URL_X);
      const { summary } = parsed;
      expect(summary.version).toBe(facts.niftiVersion);
      expect(summary.dims).toEqual(facts.dims);
      expect(summary.datatypeCode).toBe(facts.datatypeCode);
      expect(summary.datatype).toBe(facts.datatype);
      expect(summary.bitsPerVoxel).toBe(facts.bitPix);
      expect(summary.littleEndian).toBe(facts.littleEndian);
      expect(summary.compressed).toBe(facts.compressed);
      expect(summary.voxelSize).toHaveLength(3);
      summary.voxelSize.forEach((size, i) => expect(size).toBeCloseTo(facts.pixDims[i]!, 5));
      expect(typeof summary.description).toBe('string');
      expect(summary.description).not.toMatch(/\0/);
      expect(parsed.voxOffset).toBe(facts.voxOffset);
      expect(parsed.voxelBytes).toBe(facts.voxelBytes);
      expect(parsed.voxOffset + parsed.voxelBytes).toBe(facts.decompressedBytes);
    });

    it('needs only the fixed header, not the extensions', async () => {
      const decoded = await decodedFile(facts.file, facts.compressed);
      const headerBytes = facts.niftiVersion === 1 ? 348 : 540;
      expect(summarizeNiftiHeader(decoded.subarray(0, headerBytes), facts.compressed, URL_X).summary.dims).toEqual(facts.dims);
      const error = catchError(() => summarizeNiftiHeader(decoded.subarray(0, headerBytes - 1), facts.compressed, URL_X));
      expect(error).toBeInstanceOf(VolumeCacheError);
      expect(error).toMatchObject({ code: 'not-nifti', url: URL_X });
    });
  });
});

describe('summarizeNiftiHeader rejects broken headers with not-nifti', () => {
  // functional.nii: NIfTI-1, little-endian; dim[] is int16[8] at byte 40.
  async function functionalHeader(): Promise<Uint8Array> {
    return (await readSharedFile('nifti/functional.nii')).slice(0, 352);
  }

  function setInt16(bytes: Uint8Array, offset: number, value: number): Uint8Array {
    new DataView(bytes.buffer, bytes.byteOffset).setInt16(offset, value, true);
    return bytes;
  }

  it.each<[string, (header: Uint8Array) => Uint8Array]>([
    ['dim[0] = 0 (no dimensions)', (h) => setInt16(h, 40, 0)],
    ['dim[0] = 8 (more than 7)', (h) => setInt16(h, 40, 8)],
    ['dim[0] negative', (h) => setInt16(h, 40, -1)],
    ['a zero dimension', (h) => setInt16(h, 42, 0)],
    ['a negative dimension', (h) => setInt16(h, 44, -5)],
    ['wrong magic', (h) => { h.set([0x58, 0x59, 0x5a, 0x00], 344); return h; }],
    ['sizeof_hdr zeroed', (h) => { h.set([0, 0, 0, 0], 0); return h; }],
    ['all zero bytes', (h) => h.fill(0)],
  ])('%s', async (_name, corrupt) => {
    const header = corrupt(await functionalHeader());
    const error = catchError(() => summarizeNiftiHeader(header, false, URL_X));
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'not-nifti', url: URL_X });
  });

  it('accepts the unmodified header (control)', async () => {
    expect(summarizeNiftiHeader(await functionalHeader(), false, URL_X).summary.dims).toEqual([17, 21, 3, 20]);
  });
});
