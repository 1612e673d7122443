import { describe, expect, it } from 'vitest';
import { formatDims, formatNiftiSummary } from '../../../src/ui/formatNiftiSummary';
import type { NiftiSummary } from '../../../src/types';

const summary: NiftiSummary = {
  version: 1,
  dims: [207, 256, 215],
  voxelSize: [0.737, 0.737, 0.737],
  datatypeCode: 2,
  datatype: 'uint8',
  bitsPerVoxel: 8,
  littleEndian: true,
  compressed: true,
  description: '',
};

describe('formatNiftiSummary', () => {
  it('joins the dims and adds the datatype', () => {
    expect(formatNiftiSummary(summary)).toBe('207×256×215 uint8');
    expect(formatDims([128, 96, 24, 2])).toBe('128×96×24×2');
  });

  it('shows a dash for an entry that is not NIfTI', () => {
    expect(formatNiftiSummary(null)).toBe('–');
  });
});
