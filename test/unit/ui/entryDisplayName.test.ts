import { describe, expect, it } from 'vitest';
import { entryDisplayName } from '../../../src/ui/entryDisplayName';

describe('entryDisplayName', () => {
  it.each([
    ['http://127.0.0.1:5173/data/nifti/spm152.nii.gz?rate=1000', 'spm152.nii.gz'],
    ['https://example.org/sub%2001/T1%20w.nii', 'T1 w.nii'],
    ['https://example.org/', 'https://example.org/'],
    ['not a url', 'not a url'],
  ])('%s is called %s', (url, name) => {
    expect(entryDisplayName(url)).toBe(name);
  });
});
