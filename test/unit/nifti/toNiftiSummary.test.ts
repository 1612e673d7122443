import { describe, it, expect } from 'vitest';
import { toNiftiSummary } from '../../../src/nifti/toNiftiSummary';
import { manifest } from '../support/sharedData';
import { buildNiftiHeader } from '../derived/support/buildNiftiFile';
import { decodedFile, fieldsOf } from './support/headerBytes';

describe('toNiftiSummary on the shared sample files', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('%s matches manifest.json', async (_name, facts) => {
    const decoded = await decodedFile(facts.file, facts.compressed);
    // Only the first bytes are read, as the stream validator does.
    const summary = toNiftiSummary(fieldsOf(decoded.subarray(0, 544)), facts.compressed);
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
  });
});

describe('toNiftiSummary on built headers', () => {
  it('names a datatype the standard lacks by its code and keeps bitpix as stored', () => {
    const summary = toNiftiSummary(fieldsOf(buildNiftiHeader({ dims: [4, 3], datatypeCode: 3, bitPix: 12 })), false);
    expect(summary).toMatchObject({ datatypeCode: 3, datatype: 'code-3', bitsPerVoxel: 12 });
  });

  it('gives pixdim[1..3] as the voxel size whatever the rank, and passes `compressed` through', () => {
    const summary = toNiftiSummary(fieldsOf(buildNiftiHeader({ dims: [5], datatypeCode: 2, bitPix: 8, pixDims: [2, 3, 4] })), true);
    expect(summary).toMatchObject({ dims: [5], voxelSize: [2, 3, 4], compressed: true });
  });

  it('is a plain, structured-cloneable object (it is stored in IndexedDB)', () => {
    const summary = toNiftiSummary(fieldsOf(buildNiftiHeader({ dims: [4, 3, 2], datatypeCode: 4, bitPix: 16, description: 'kept' })), false);
    expect(structuredClone(summary)).toEqual(summary);
    expect(summary.description).toBe('kept');
  });
});
