import { describe, expect, it } from 'vitest';
import { viewerMessage, type LoadInProgress } from '../../../../demo/viewer/viewerMessage';

const load = (patch: Partial<LoadInProgress>): LoadInProgress => ({ name: 'spm152.nii.gz', loaded: 0, total: null, inHand: false, ...patch });

describe('viewerMessage (demo)', () => {
  it.each<[LoadInProgress | null, string]>([
    [null, 'Choose a volume'],
    [load({}), 'Loading spm152.nii.gz...'],
    [load({ loaded: 1_258_291, total: 4_056_970 }), 'Loading spm152.nii.gz... 31%'],
    [load({ loaded: 4_056_969, total: 4_056_970 }), 'Loading spm152.nii.gz... 99%'],
    [load({ loaded: 4_056_970, total: 4_056_970 }), 'Opening spm152.nii.gz...'],
    [load({ loaded: 2 * 1024 ** 2 }), 'Loading spm152.nii.gz... 2 MiB'],
    // A hit reports no progress: once the File is in hand the renderer decodes it.
    [load({ inHand: true }), 'Opening spm152.nii.gz...'],
  ])('%j reads %j', (progress, text) => {
    expect(viewerMessage(progress)).toBe(text);
  });

  it('is plain ASCII, which NiiVue’s bitmap font can draw', () => {
    expect(viewerMessage(load({ loaded: 10, total: 100 }))).toMatch(/^[\x20-\x7e]+$/);
  });
});
