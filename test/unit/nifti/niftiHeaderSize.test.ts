import { describe, it, expect } from 'vitest';
import { niftiHeaderSize } from '../../../src/nifti/niftiHeaderSize';

function int32(value: number, littleEndian: boolean): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value, littleEndian);
  return bytes;
}

describe('niftiHeaderSize', () => {
  it.each<[string, Uint8Array, 348 | 540 | null]>([
    ['348 little-endian (NIfTI-1)', int32(348, true), 348],
    ['348 big-endian (NIfTI-1)', int32(348, false), 348],
    ['540 little-endian (NIfTI-2)', int32(540, true), 540],
    ['540 big-endian (NIfTI-2)', int32(540, false), 540],
    ['zero', int32(0, true), null],
    ['another size', int32(352, true), null],
    ['fewer than 4 bytes', new Uint8Array([0x5c, 0x01, 0x00]), null],
    ['no bytes', new Uint8Array(0), null],
  ])('%s', (_name, bytes, expected) => {
    expect(niftiHeaderSize(bytes)).toBe(expected);
  });

  it('reads from the view’s own offset, not the start of its buffer', () => {
    const backing = new Uint8Array(12);
    backing.set(int32(540, true), 8);
    expect(niftiHeaderSize(backing.subarray(8))).toBe(540);
    expect(niftiHeaderSize(backing.subarray(0, 4))).toBe(null);
  });
});
