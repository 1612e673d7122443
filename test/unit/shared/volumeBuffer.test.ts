import { describe, expect, it } from 'vitest';
import { VolumeCacheError } from '../../../src/errors';
import { allocateVolumeBuffer, readWholeBlob } from '../../../src/shared/volumeBuffer';

describe('allocateVolumeBuffer', () => {
  it('allocates a buffer of the size asked', () => {
    expect(allocateVolumeBuffer(1024).byteLength).toBe(1024);
  });

  it('turns the platform refusing a buffer that large into unsupported, naming the URL and the way out', () => {
    let thrown: unknown;
    try {
      allocateVolumeBuffer(2 ** 53, 'https://data.example/fmri.nii');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(VolumeCacheError);
    expect(thrown).toMatchObject({ code: 'unsupported', url: 'https://data.example/fmri.nii', message: expect.stringMatching(/more than this browser can hold in one ArrayBuffer; read it with getFile\(\) in slices/) });
    expect((thrown as VolumeCacheError).cause).toBeInstanceOf(RangeError);
  });
});

describe('readWholeBlob', () => {
  it('reads a Blob slice by slice into one buffer, whatever the slice size', async () => {
    const bytes = Uint8Array.from({ length: 10_001 }, (_, i) => (i * 31) & 0xff);
    for (const slice of [1, 7, 4096, 10_001, 1 << 20]) {
      expect(new Uint8Array(await readWholeBlob(new Blob([bytes]), undefined, slice))).toEqual(bytes);
    }
    expect((await readWholeBlob(new Blob([]))).byteLength).toBe(0);
  });
});
