import { describe, it, expect } from 'vitest';
import { niftiHeaderProblem, type NiftiHeaderCheck } from '../../../src/nifti/niftiHeaderProblem';
import { manifest, readSharedFile } from '../support/sharedData';
import { buildNiftiHeader, type NiftiFileSpec } from '../derived/support/buildNiftiFile';
import { decodedFile, fieldsOf, setFloat32, setInt16, setInt64 } from './support/headerBytes';

const INT16: NiftiFileSpec = { dims: [4, 3, 2], datatypeCode: 4, bitPix: 16 };

/** row_major.dconn.nii: NIfTI-2, little-endian, 6 dimensions; dim[] is int64[8] at 16, vox_offset int64 at 168. */
async function nifti2Header(): Promise<Uint8Array> {
  return (await readSharedFile('nifti/row_major.dconn.nii')).slice(0, 540);
}

describe('niftiHeaderProblem', () => {
  it.each(manifest.files.map((file) => [file.file, file] as const))('finds nothing wrong with %s', async (_name, facts) => {
    const decoded = await decodedFile(facts.file, facts.compressed);
    expect(niftiHeaderProblem(fieldsOf(decoded.subarray(0, 544)))).toBeNull();
  });

  it('finds nothing wrong with a built header (control), whose vox_offset is 352, the first byte after the extension flag', () => {
    expect(niftiHeaderProblem(fieldsOf(buildNiftiHeader(INT16)))).toBeNull();
    expect(niftiHeaderProblem(fieldsOf(buildNiftiHeader({ ...INT16, voxOffset: 352 })))).toBeNull();
  });

  it('says which vox_offset a single-file NIfTI needs at least', async () => {
    expect(niftiHeaderProblem(fieldsOf(buildNiftiHeader({ ...INT16, voxOffset: 348 })))?.detail).toContain('at least 352');
    expect(niftiHeaderProblem(fieldsOf(setInt64(await nifti2Header(), 168, 540n)))?.detail).toContain('at least 544');
  });

  it.each<[string, () => Uint8Array, NiftiHeaderCheck]>([
    ['zero dimensions', () => buildNiftiHeader({ ...INT16, dims: [] }), 'rank'],
    ['dim[0] = 8 (more than 7)', () => setInt16(buildNiftiHeader(INT16), 40, 8), 'rank'],
    ['dim[0] negative', () => setInt16(buildNiftiHeader(INT16), 40, -1), 'rank'],
    ['a zero-sized dimension', () => buildNiftiHeader({ ...INT16, dims: [4, 0, 2] }), 'dims'],
    ['a negative dimension', () => buildNiftiHeader({ ...INT16, dims: [4, -5, 2] }), 'dims'],
    ['a datatype code the standard lacks', () => buildNiftiHeader({ ...INT16, datatypeCode: 3 }), 'datatype'],
    ['bitpix disagreeing with the datatype', () => buildNiftiHeader({ ...INT16, bitPix: 8 }), 'bitpix'],
    ['bitpix 0', () => buildNiftiHeader({ ...INT16, bitPix: 0 }), 'bitpix'],
    ['vox_offset inside the header', () => buildNiftiHeader({ ...INT16, voxOffset: 100 }), 'vox-offset'],
    ['vox_offset 348, on the 4-byte extension flag', () => buildNiftiHeader({ ...INT16, voxOffset: 348 }), 'vox-offset'],
    ['vox_offset 351', () => buildNiftiHeader({ ...INT16, voxOffset: 351 }), 'vox-offset'],
    ['a fractional vox_offset', () => buildNiftiHeader({ ...INT16, voxOffset: 352.5 }), 'vox-offset'],
    ['a negative vox_offset', () => setFloat32(buildNiftiHeader(INT16), 108, -352), 'vox-offset'],
    ['a NaN vox_offset', () => setFloat32(buildNiftiHeader(INT16), 108, Number.NaN), 'vox-offset'],
    ['a zero dimension and an unknown datatype: the earlier check', () => buildNiftiHeader({ ...INT16, dims: [4, 0, 2], datatypeCode: 3 }), 'dims'],
  ])('%s: %s', (_name, header, check) => {
    expect(niftiHeaderProblem(fieldsOf(header()))?.check).toBe(check);
  });

  it.each<[string, (header: Uint8Array) => Uint8Array, NiftiHeaderCheck]>([
    ['a dimension of 2^53, beyond what a number holds exactly', (h) => setInt64(h, 24, 2n ** 53n), 'huge-dims'],
    ['exact dimensions whose voxel bytes are not', (h) => [24, 32, 40].reduce((header, at) => setInt64(header, at, 2n ** 20n), h), 'voxel-bytes'],
    ['a vox_offset inside the 540-byte header', (h) => setInt64(h, 168, 352n), 'vox-offset'],
    ['vox_offset 540, on the extension flag', (h) => setInt64(h, 168, 540n), 'vox-offset'],
    ['vox_offset 543', (h) => setInt64(h, 168, 543n), 'vox-offset'],
  ])('NIfTI-2, %s: %s', async (_name, corrupt, check) => {
    expect(niftiHeaderProblem(fieldsOf(corrupt(await nifti2Header())))?.check).toBe(check);
  });

  it('NIfTI-2, vox_offset 544, the first byte after the extension flag: nothing wrong', async () => {
    expect(niftiHeaderProblem(fieldsOf(setInt64(await nifti2Header(), 168, 544n)))).toBeNull();
  });
});
