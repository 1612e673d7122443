import { describe, it, expect } from 'vitest';
import { voxelView } from '../../../src/nifti/voxelView';
import type { TypedArrayKind } from '../../../src/nifti/NiftiHeaderInfo';

describe('voxelView', () => {
  it.each<[TypedArrayKind, number]>([
    ['Uint8Array', 16],
    ['Int8Array', 16],
    ['Uint16Array', 8],
    ['Int16Array', 8],
    ['Uint32Array', 4],
    ['Int32Array', 4],
    ['Float32Array', 4],
    ['Float64Array', 2],
    ['BigInt64Array', 2],
    ['BigUint64Array', 2],
  ])('%s over 16 bytes has %i elements, no copy', (kind, length) => {
    const buffer = new ArrayBuffer(16);
    const view = voxelView({ typedArrayKind: kind }, buffer);
    expect(view.constructor.name).toBe(kind);
    expect(view.length).toBe(length);
    expect(view.buffer).toBe(buffer);
  });
});
