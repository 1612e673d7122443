import { describe, it, expect } from 'vitest';
import { toNiftiHeaderInfo } from '../../../src/nifti/toNiftiHeaderInfo';
import { VolumeCacheError } from '../../../src/errors';
import { manifest } from '../support/sharedData';
import { buildNiftiHeader, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { decodedFile, fieldsOf } from './support/headerBytes';

/** What NiftiVoxelCollector does with a header niftiHeaderProblem passed. */
const headerInfoOf = (bytes: Uint8Array) => toNiftiHeaderInfo(fieldsOf(bytes));

const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };

describe('toNiftiHeaderInfo on the shared sample files', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('%s matches manifest.json', async (_name, facts) => {
    const decoded = await decodedFile(facts.file, facts.compressed);
    const header = headerInfoOf(decoded.subarray(0, facts.niftiVersion === 1 ? 348 : 540));
    expect(header).toMatchObject({
      version: facts.niftiVersion,
      dims: facts.dims,
      pixDims: facts.pixDims.map((p) => expect.closeTo(p, 5)),
      datatypeCode: facts.datatypeCode,
      datatype: facts.datatype,
      bitsPerVoxel: facts.bitPix,
      littleEndian: facts.littleEndian,
      // This host is little-endian; one-byte voxels need no swap.
      swapped: !facts.littleEndian && facts.bitPix > 8,
      voxOffset: facts.voxOffset,
      voxelBytes: facts.voxelBytes,
    });
    expect(header.affine).toHaveLength(4);
    for (const row of header.affine) expect(row).toHaveLength(4);
    expect(header.affine[3]).toEqual([0, 0, 0, 1]);
    // Structured-cloneable as is (no class instances, no functions).
    expect(structuredClone(header)).toEqual(header);
  });
});

describe('toNiftiHeaderInfo on built headers', () => {
  it('reads scaling, display range, description and the pixdim affine; maps the datatype', () => {
    const header = headerInfoOf(
      buildNiftiHeader({ ...INT16, pixDims: [2, 3, 4], sclSlope: 0.5, sclInter: -10, calMin: 1, calMax: 99, description: 'built for a test' }),
    );
    expect(header).toMatchObject({
      version: 1,
      dims: [4, 3, 2],
      pixDims: [2, 3, 4],
      datatype: 'int16',
      typedArrayKind: 'Int16Array',
      valuesPerVoxel: 1,
      sclSlope: 0.5,
      sclInter: -10,
      calMin: 1,
      calMax: 99,
      description: 'built for a test',
      voxelBytes: 4 * 3 * 2 * 2,
    });
    expect(header.affine).toEqual([
      [2, 0, 0, 0],
      [0, 3, 0, 0],
      [0, 0, 4, 0],
      [0, 0, 0, 1],
    ]);
  });

  it.each<[string, number, number, string, number]>([
    ['binary', 1, 1, 'Uint8Array', 1],
    ['uint8', 2, 8, 'Uint8Array', 1],
    ['int32', 8, 32, 'Int32Array', 1],
    ['float32', 16, 32, 'Float32Array', 1],
    ['complex64', 32, 64, 'Float32Array', 2],
    ['float64', 64, 64, 'Float64Array', 1],
    ['rgb24', 128, 24, 'Uint8Array', 3],
    ['int8', 256, 8, 'Int8Array', 1],
    ['uint16', 512, 16, 'Uint16Array', 1],
    ['uint32', 768, 32, 'Uint32Array', 1],
    ['int64', 1024, 64, 'BigInt64Array', 1],
    ['uint64', 1280, 64, 'BigUint64Array', 1],
    ['complex128', 1792, 128, 'Float64Array', 2],
    ['rgba32', 2304, 32, 'Uint8Array', 4],
  ])('%s (code %i, %i bits) -> %s, %i values a voxel', (name, code, bits, kind, values) => {
    const header = headerInfoOf(buildNiftiHeader({ dims: [3, 3], datatypeCode: code, bitPix: bits }));
    expect(header).toMatchObject({ datatype: name, typedArrayKind: kind, valuesPerVoxel: values, bitsPerVoxel: bits });
    expect(header.voxelBytes).toBe(Math.ceil((9 * bits) / 8));
  });

  it('big-endian multi-byte voxels are marked swapped; big-endian uint8 and rgb24 are not', () => {
    expect(headerInfoOf(buildNiftiHeader({ ...INT16, littleEndian: false }))).toMatchObject({ littleEndian: false, swapped: true });
    expect(headerInfoOf(buildNiftiHeader({ dims: [2], datatypeCode: 2, bitPix: 8, littleEndian: false }))).toMatchObject({ swapped: false });
    expect(headerInfoOf(buildNiftiHeader({ dims: [2], datatypeCode: 128, bitPix: 24, littleEndian: false }))).toMatchObject({ swapped: false });
    expect(headerInfoOf(buildNiftiHeader(INT16))).toMatchObject({ littleEndian: true, swapped: false });
  });

  it('throws a plain Error, not a VolumeCacheError, for a datatype the standard lacks (a fault: the caller checks first)', () => {
    const fields = fieldsOf(buildNiftiHeader({ ...INT16, datatypeCode: 3 }));
    let thrown: unknown;
    try {
      toNiftiHeaderInfo(fields);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(VolumeCacheError);
  });
});
