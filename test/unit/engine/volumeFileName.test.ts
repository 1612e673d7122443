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
    // Hostile names: never a path, never a dot segment.
    ['https://x.example/d/..%2F..%2Fetc%2Fpasswd.nii', false, '.._.._etc_passwd.nii'],
    ['https://x.example/d/..%5C..%5Cwin.ini.nii.gz', true, '.._.._win.ini.nii.gz'],
    ['https://x.example/d/%2E%2E', null, 'volume'],
    ['https://x.example/d/.', null, 'volume'],
    ['https://x.example/d/a%00b%0Ac.nii', false, 'a_b_c.nii'],
    ['https://x.example/d/%E0%A4%A.nii', null, 'volume'], // malformed percent-encoding
  ] as const)('%s with compressed=%s is named %s', (url, compressed, name) => {
    expect(volumeFileName(url, compressed)).toBe(name);
  });
});
