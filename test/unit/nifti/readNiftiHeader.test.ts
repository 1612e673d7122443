import { describe, it, expect } from 'vitest';
import { readNiftiHeader } from '../../../src/nifti/readNiftiHeader';
import { NiftiStreamValidator } from '../../../src/nifti/NiftiStreamValidator';
import { NiftiVoxelCollector } from '../../../src/nifti/NiftiVoxelCollector';
import { manifest, readSharedFile } from '../support/sharedData';
import { buildNiftiHeader, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { decodedFile, fieldsOf, setInt16 } from './support/headerBytes';

const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };

describe('readNiftiHeader on the shared sample files', () => {
  describe.each(manifest.files.map((file) => [file.file, file] as const))('%s', (_name, facts) => {
    it('matches manifest.json', async () => {
      const decoded = await decodedFile(facts.file, facts.compressed);
      expect(decoded.byteLength).toBe(facts.decompressedBytes);
      // The first 544 bytes, as the stream validator keeps them.
      const fields = fieldsOf(decoded.subarray(0, 544));
      expect(fields).toMatchObject({
        version: facts.niftiVersion,
        headerBytes: facts.niftiVersion === 1 ? 348 : 540,
        littleEndian: facts.littleEndian,
        rank: facts.dims.length,
        dims: facts.dims,
        datatypeCode: facts.datatypeCode,
        bitpix: facts.bitPix,
        voxOffset: facts.voxOffset,
        voxelBytes: facts.voxelBytes,
      });
      expect(fields.pixdim).toHaveLength(8);
      facts.pixDims.forEach((size, i) => expect(fields.pixdim[i + 1]).toBeCloseTo(size, 5));
      expect(fields.voxOffset + fields.voxelBytes).toBe(facts.decompressedBytes);
      expect(fields.description).not.toMatch(/\0/);
    });

    it('needs only the fixed header, not the extensions', async () => {
      const decoded = await decodedFile(facts.file, facts.compressed);
      const headerBytes = facts.niftiVersion === 1 ? 348 : 540;
      const fields = fieldsOf(decoded.subarray(0, headerBytes));
      expect(fields.dims).toEqual(facts.dims);
      expect(fields).toEqual(fieldsOf(decoded.subarray(0, 544)));
      expect(readNiftiHeader(decoded.subarray(0, headerBytes - 1))).toBe('no-header');
    });
  });
});

describe('readNiftiHeader on unreadable bytes', () => {
  // functional.nii: NIfTI-1, little-endian; 544 bytes, as the stream validator keeps them.
  async function functionalHeader(): Promise<Uint8Array> {
    return (await readSharedFile('nifti/functional.nii')).slice(0, 544);
  }

  it.each<[string, (header: Uint8Array) => Uint8Array, 'no-header' | 'bad-magic']>([
    ['no bytes', () => new Uint8Array(0), 'no-header'],
    ['fewer than 4 bytes', (h) => h.subarray(0, 3), 'no-header'],
    ['a prefix shorter than sizeof_hdr', (h) => h.subarray(0, 347), 'no-header'],
    ['sizeof_hdr zeroed', (h) => { h.set([0, 0, 0, 0], 0); return h; }, 'no-header'],
    ['all zero bytes', (h) => h.fill(0), 'no-header'],
    ['wrong magic', (h) => { h.set([0x58, 0x59, 0x5a, 0x00], 344); return h; }, 'bad-magic'],
    ['a header/image pair magic (ni1)', (h) => { h.set([0x6e, 0x69, 0x31, 0x00], 344); return h; }, 'bad-magic'],
    ['a NIfTI-2 sizeof_hdr on a NIfTI-1 header', (h) => { new DataView(h.buffer).setInt32(0, 540, true); return h; }, 'bad-magic'],
  ])('%s: %s', async (_name, corrupt, reason) => {
    expect(readNiftiHeader(corrupt(await functionalHeader()))).toBe(reason);
  });

  it('built headers with a bad magic are bad-magic', () => {
    expect(readNiftiHeader(buildNiftiHeader({ ...INT16, magic: 'XYZ' }))).toBe('bad-magic');
    expect(readNiftiHeader(buildNiftiHeader({ ...INT16, magic: 'ni1' }))).toBe('bad-magic');
  });
});

describe('readNiftiHeader on built headers', () => {
  it('reads either byte order into the same fields', () => {
    const little = fieldsOf(buildNiftiHeader({ ...INT16, pixDims: [2, 3, 4], sclSlope: 0.5, description: 'both orders' }));
    const big = fieldsOf(buildNiftiHeader({ ...INT16, pixDims: [2, 3, 4], sclSlope: 0.5, description: 'both orders', littleEndian: false }));
    expect(little.littleEndian).toBe(true);
    expect(big.littleEndian).toBe(false);
    expect({ ...big, littleEndian: true }).toEqual(little);
  });

  it('checks only size and magic: a rank, datatype or vox_offset decoding refuses is read as stored', () => {
    const header = setInt16(buildNiftiHeader({ ...INT16, datatypeCode: 3, bitPix: 0, voxOffset: 100 }), 40, 8);
    expect(fieldsOf(header)).toMatchObject({ rank: 8, datatypeCode: 3, bitpix: 0, voxOffset: 100 });
  });

  it('ignores an extension flag and whatever follows the fixed header', () => {
    const header = buildNiftiHeader({ ...INT16, voxOffset: 1024 });
    header[348] = 1; // "extensions follow", but the bytes up to vox_offset are junk
    header.fill(0xff, 352);
    expect(fieldsOf(header.subarray(0, 544))).toMatchObject({ dims: [4, 3, 2], voxOffset: 1024 });
  });
});

describe('the stored summary and the decoder’s header agree on the shared sample files', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('%s', async (_name, facts) => {
    const validator = new NiftiStreamValidator('https://data.example/volume');
    await validator.push(await readSharedFile(facts.file));
    const summary = await validator.finish();
    const collector = new NiftiVoxelCollector();
    collector.push(await decodedFile(facts.file, facts.compressed));
    const { header } = collector.finish();
    expect(summary).toEqual({
      version: header.version,
      dims: header.dims,
      // pixdim[1..3] either way (every sample has at least 3 dimensions).
      voxelSize: header.pixDims.slice(0, 3),
      datatypeCode: header.datatypeCode,
      datatype: header.datatype,
      bitsPerVoxel: header.bitsPerVoxel,
      littleEndian: header.littleEndian,
      compressed: facts.compressed,
      description: header.description,
    });
  });
});
