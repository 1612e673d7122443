import { describe, it, expect } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { NiftiVoxelCollector, type DecodedNiftiVolume, type NiftiVoxelCollectorOptions } from '../../../src/nifti/NiftiVoxelCollector';
import { voxelView } from '../../../src/nifti/voxelView';
import { VolumeCacheError } from '../../../src/errors';
import { manifest, readSharedFile } from '../support/sharedData';
import { buildNiftiFile, buildNiftiHeader, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { firstByteThenRest, fixedChunks, oneChunk, randomChunks, type Chunking } from '../derived/support/chunkings';
import { setFloat32, setInt16, setInt64 } from './support/headerBytes';

function collect(chunks: readonly Uint8Array[], options?: NiftiVoxelCollectorOptions): DecodedNiftiVolume {
  const collector = new NiftiVoxelCollector(options);
  for (const chunk of chunks) collector.push(chunk);
  return collector.finish();
}

function failure(run: () => unknown): VolumeCacheError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected a throw');
}

async function decompressed(relativePath: string, compressed: boolean): Promise<Uint8Array> {
  const raw = await readSharedFile(relativePath);
  return compressed ? new Uint8Array(gunzipSync(raw)) : raw;
}

function chunkingsFor(bytes: number): Chunking[] {
  const chunkings = [oneChunk, firstByteThenRest, randomChunks(1), randomChunks(2)];
  if (bytes < 100_000) chunkings.push(fixedChunks(7));
  return chunkings;
}

/** Reads every value of a file-order voxel buffer with DataView: the independent check of byte order. */
function readValues(bytes: Uint8Array, datatype: string, littleEndian: boolean): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read = {
    uint8: (i: number) => view.getUint8(i),
    int16: (i: number) => view.getInt16(i * 2, littleEndian),
    float32: (i: number) => view.getFloat32(i * 4, littleEndian),
  }[datatype];
  if (!read) throw new Error(`no reader for ${datatype}`);
  const size = { uint8: 1, int16: 2, float32: 4 }[datatype]!;
  return Array.from({ length: bytes.byteLength / size }, (_, i) => read(i));
}

describe('NiftiVoxelCollector on the shared sample files', () => {
  describe.each(manifest.files.map((file) => [file.file, file] as const))('%s', (_name, facts) => {
    it.each(chunkingsFor(facts.decompressedBytes).map((c) => [c.name, c] as const))('voxels are the bytes after vox_offset: %s', async (_c, chunking) => {
      const file = await decompressed(facts.file, facts.compressed);
      const fileVoxels = file.subarray(facts.voxOffset, facts.voxOffset + facts.voxelBytes);
      const { header, voxels } = collect(chunking.split(file));
      expect(voxels.byteLength).toBe(facts.voxelBytes);
      expect(header).toMatchObject({ dims: facts.dims, datatype: facts.datatype, voxOffset: facts.voxOffset, voxelBytes: facts.voxelBytes });
      if (!header.swapped) {
        expect(Buffer.from(voxels).equals(Buffer.from(fileVoxels))).toBe(true);
      } else {
        // Swapped to this (little-endian) host's order: the values read in the
        // file's order from the raw bytes must equal the typed array's.
        expect(Array.from(voxelView(header, voxels) as ArrayLike<number>)).toEqual(readValues(fileVoxels, facts.datatype, facts.littleEndian));
      }
    });
  });

  it('big.nii.gz (big-endian float32) reads as sensible floats after the swap', async () => {
    const file = await decompressed('nifti/big.nii.gz', true);
    const { header, voxels } = collect([file]);
    expect(header).toMatchObject({ littleEndian: false, swapped: true, typedArrayKind: 'Float32Array' });
    const values = voxelView(header, voxels) as Float32Array;
    expect(values.every((v) => Number.isFinite(v) && Math.abs(v) < 1e6)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(100);
  });
});

describe('NiftiVoxelCollector on built files', () => {
  const spec = (extra: Partial<NiftiFileSpec> = {}): NiftiFileSpec => ({ dims: [3, 2, 2], datatypeCode: 4, bitPix: 16, ...extra });
  const int16Bytes = (values: number[], littleEndian: boolean) => {
    const bytes = new Uint8Array(values.length * 2);
    values.forEach((v, i) => new DataView(bytes.buffer).setInt16(i * 2, v, littleEndian));
    return bytes;
  };
  const values = [1, -2, 300, -400, 5000, -6000, 7, 8, 9, 10, 11, -32768];

  it.each([true, false])('int16 values survive either byte order (little-endian file: %s), for every chunking', (littleEndian) => {
    const file = buildNiftiFile(spec({ littleEndian }), int16Bytes(values, littleEndian));
    for (const chunking of [oneChunk, firstByteThenRest, fixedChunks(1), fixedChunks(3), randomChunks(7)]) {
      const { header, voxels } = collect(chunking.split(file));
      expect(header.swapped, chunking.name).toBe(!littleEndian);
      expect(Array.from(voxelView(header, voxels) as ArrayLike<number>), chunking.name).toEqual(values);
    }
  });

  it('skips extension bytes before vox_offset and ignores trailing bytes', () => {
    const file = buildNiftiFile(spec({ voxOffset: 352 + 64 }), int16Bytes(values, true), new Uint8Array(1000).fill(0xee));
    file.fill(0xab, 352, 352 + 64); // "extension" content
    for (const chunking of [oneChunk, fixedChunks(5), randomChunks(3)]) {
      const { voxels } = collect(chunking.split(file));
      expect(voxels.byteLength).toBe(values.length * 2);
      expect(Array.from(new Int16Array(voxels))).toEqual(values);
    }
  });

  it('counts every byte pushed, trailing bytes included', () => {
    const file = buildNiftiFile(spec(), int16Bytes(values, true), new Uint8Array(10));
    const collector = new NiftiVoxelCollector();
    for (const chunk of fixedChunks(100).split(file)) collector.push(chunk);
    expect(collector.receivedBytes).toBe(file.byteLength);
  });

  it('is complete once the last voxel byte arrives, not before', () => {
    const file = buildNiftiFile(spec(), int16Bytes(values, true), new Uint8Array(10));
    const collector = new NiftiVoxelCollector();
    const end = file.byteLength - 10;
    collector.push(file.subarray(0, end - 1));
    expect(collector.complete).toBe(false);
    expect(collector.headerInfo?.dims).toEqual([3, 2, 2]);
    collector.push(file.subarray(end - 1, end));
    expect(collector.complete).toBe(true);
    collector.push(file.subarray(end));
    expect(Array.from(new Int16Array(collector.finish().voxels))).toEqual(values);
  });

  it('float64, complex64 and rgb24 decode to the right typed arrays', () => {
    const f64 = new Uint8Array(16);
    new DataView(f64.buffer).setFloat64(0, Math.PI, false);
    new DataView(f64.buffer).setFloat64(8, -1e300, false);
    const float64 = collect([buildNiftiFile({ dims: [2], datatypeCode: 64, bitPix: 64, littleEndian: false }, f64)]);
    expect(Array.from(voxelView(float64.header, float64.voxels) as ArrayLike<number>)).toEqual([Math.PI, -1e300]);

    const c64 = new Uint8Array(16);
    [1.5, -2.5, 3.25, 4].forEach((v, i) => new DataView(c64.buffer).setFloat32(i * 4, v, false));
    const complex = collect([buildNiftiFile({ dims: [2], datatypeCode: 32, bitPix: 64, littleEndian: false }, c64)]);
    expect(Array.from(voxelView(complex.header, complex.voxels) as ArrayLike<number>)).toEqual([1.5, -2.5, 3.25, 4]);

    const rgb = collect([buildNiftiFile({ dims: [2], datatypeCode: 128, bitPix: 24, littleEndian: false }, new Uint8Array([1, 2, 3, 4, 5, 6]))]);
    expect(rgb.header.swapped).toBe(false);
    expect(Array.from(voxelView(rgb.header, rgb.voxels) as ArrayLike<number>)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fails on the first bytes when they cannot start a NIfTI header', () => {
    const collector = new NiftiVoxelCollector({ url: 'https://data.example/page.html' });
    collector.push(new TextEncoder().encode('<!'));
    const error = failure(() => collector.push(new TextEncoder().encode('doctype html>')));
    expect(error.code).toBe('not-nifti');
    expect(error.url).toBe('https://data.example/page.html');
  });

  it.each<[string, Uint8Array[], string]>([
    ['no bytes', [], 'not-nifti'],
    ['fewer bytes than the header', [buildNiftiFile(spec(), new Uint8Array(24)).subarray(0, 200)], 'not-nifti'],
    ['voxels cut short by one byte', [buildNiftiFile(spec(), new Uint8Array(24)).subarray(0, 352 + 23)], 'corrupt'],
    ['a header but no voxels', [buildNiftiFile(spec(), new Uint8Array(0))], 'corrupt'],
  ])('%s -> %s', (_name, chunks, code) => {
    expect(failure(() => collect(chunks)).code).toBe(code);
  });

  it('refuses a header calling for more than maxDecodedBytes before allocating', () => {
    const file = buildNiftiFile({ dims: [30000, 30000, 30000], datatypeCode: 64, bitPix: 64 }, new Uint8Array(0));
    const error = failure(() => new NiftiVoxelCollector({ maxDecodedBytes: file.byteLength }).push(file));
    expect(error.code).toBe('corrupt');
    expect(error.detail).toContain('more than this file can hold');
  });

  it('voxels no buffer can hold fail with unsupported at the header, not a bare RangeError', () => {
    // About 2^48 bytes: a safe integer, but no machine allocates it.
    const file = buildNiftiFile({ dims: [32767, 32767, 32767, 8], datatypeCode: 2, bitPix: 8 }, new Uint8Array(0));
    const error = failure(() => new NiftiVoxelCollector({ url: 'https://data.example/fmri.nii' }).push(file));
    expect(error).toMatchObject({ code: 'unsupported', url: 'https://data.example/fmri.nii' });
    expect(error.message).toContain('read it with getFile() in slices');
  });
});

describe('NiftiVoxelCollector refuses headers decoding cannot rely on', () => {
  const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };

  it.each<[string, () => Uint8Array]>([
    ['no bytes', () => new Uint8Array(0)],
    ['a prefix shorter than sizeof_hdr', () => buildNiftiHeader(INT16).subarray(0, 347)],
    ['wrong magic', () => buildNiftiHeader({ ...INT16, magic: 'XYZ' })],
    ['a header/image pair magic (ni1)', () => buildNiftiHeader({ ...INT16, magic: 'ni1' })],
    ['zero dimensions', () => buildNiftiHeader({ ...INT16, dims: [] })],
    ['eight dimensions', () => setInt16(buildNiftiHeader(INT16), 40, 8)],
    ['a zero-sized dimension', () => buildNiftiHeader({ ...INT16, dims: [4, 0, 2] })],
    ['a datatype code the standard lacks', () => buildNiftiHeader({ ...INT16, datatypeCode: 3 })],
    ['bitpix disagreeing with the datatype', () => buildNiftiHeader({ ...INT16, bitPix: 8 })],
    ['bitpix 0', () => buildNiftiHeader({ ...INT16, bitPix: 0 })],
    ['vox_offset inside the header', () => buildNiftiHeader({ ...INT16, voxOffset: 100 })],
    ['vox_offset 348, on the 4-byte extension flag', () => buildNiftiHeader({ ...INT16, voxOffset: 348 })],
    ['vox_offset 351', () => buildNiftiHeader({ ...INT16, voxOffset: 351 })],
    ['a fractional vox_offset', () => buildNiftiHeader({ ...INT16, voxOffset: 352.5 })],
    ['a negative vox_offset', () => setFloat32(buildNiftiHeader(INT16), 108, -352)],
    ['a NaN vox_offset', () => setFloat32(buildNiftiHeader(INT16), 108, Number.NaN)],
  ])('%s -> not-nifti', (_name, bytes) => {
    expect(failure(() => collect([bytes()])).code).toBe('not-nifti');
  });

  it.each<[string, number, bigint]>([
    ['a dimension of 2^53', 24, 2n ** 53n],
    ['vox_offset 540, on the extension flag after the 540-byte header', 168, 540n],
    ['vox_offset 543', 168, 543n],
  ])('NIfTI-2, %s -> not-nifti', async (_name, at, value) => {
    // row_major.dconn.nii: NIfTI-2, little-endian; dim[1] is an int64 at byte 24, vox_offset one at 168.
    const file = setInt64((await readSharedFile('nifti/row_major.dconn.nii')).slice(), at, value);
    expect(failure(() => collect([file])).code).toBe('not-nifti');
  });

  it('a refused header reports the url when given one', () => {
    const header = buildNiftiHeader({ ...INT16, datatypeCode: 3 });
    expect(failure(() => collect([header], { url: 'https://data.example/x.nii' })).url).toBe('https://data.example/x.nii');
    expect(failure(() => collect([header])).url).toBeUndefined();
  });
});
