import { describe, expect, it } from 'vitest';
import { volumeFileName } from '../../../src/engine/volumeFileName';

describe('volumeFileName', () => {
  it.each([
    // The browser inflated a .nii.gz sent with Content-Encoding: gzip: the bytes are the .nii.
    ['https://x.example/data/brain.nii.gz', false, 'brain.nii'],
    ['https://x.example/data/BRAIN.NII.GZ', false, 'BRAIN.NII'],
    ['https://x.example/data/brain.nii.gz', true, 'brain.nii.gz'],
    ['https://x.example/data/brain.nii', false, 'brain.nii'],
    // gzip bytes served under a .nii name: say so, or a viewer reads gzip as NIfTI.
    ['https://x.example/data/brain.nii', true, 'brain.nii.gz'],
    // Unknown (expect: 'any'): the URL's name stands.
    ['https://x.example/data/brain.nii.gz', null, 'brain.nii.gz'],
    ['https://x.example/data/mask.bin', null, 'mask.bin'],
    ['https://x.example/data/scan%201.nii.gz?token=abc#frag', false, 'scan 1.nii'],
    ['https://x.example/', null, 'volume'],
    ['not a url', null, 'volume'],
  ] as const)('%s with compressed=%s is named %s', (url, compressed, name) => {
    expect(volumeFileName(url, compressed)).toBe(name);
  });
});
