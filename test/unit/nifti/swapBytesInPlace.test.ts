import { describe, it, expect } from 'vitest';
import { swapBytesInPlace } from '../../../src/nifti/swapBytesInPlace';
import { createRandom, randomInt } from '../support/random';

/** The obvious per-unit reverse, to check the fast paths against. */
function reference(bytes: Uint8Array, unit: number): Uint8Array {
  const out = bytes.slice();
  for (let start = 0; start + unit <= out.length; start += unit) out.subarray(start, start + unit).reverse();
  return out;
}

describe('swapBytesInPlace', () => {
  it.each([
    [2, [1, 2, 3, 4], [2, 1, 4, 3]],
    [4, [1, 2, 3, 4, 5, 6, 7, 8], [4, 3, 2, 1, 8, 7, 6, 5]],
    [8, [1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]],
    [16, Array.from({ length: 16 }, (_, i) => i), Array.from({ length: 16 }, (_, i) => 15 - i)],
  ])('reverses each %i-byte unit', (unit, input, expected) => {
    const bytes = new Uint8Array(input);
    swapBytesInPlace(bytes, unit);
    expect([...bytes]).toEqual(expected);
  });

  it('leaves 1-byte units and a trailing partial unit alone', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6]);
    swapBytesInPlace(bytes, 1);
    expect([...bytes]).toEqual([1, 2, 3, 4, 5, 6]);
    swapBytesInPlace(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 5, 6]);
  });

  it('turns big-endian values into what DataView reads as big-endian', () => {
    const bytes = new Uint8Array(8);
    const view = new DataView(bytes.buffer);
    view.setInt16(0, -1234, false);
    view.setFloat32(4, 3.5, false);
    swapBytesInPlace(bytes.subarray(0, 2), 2);
    swapBytesInPlace(bytes.subarray(4, 8), 4);
    expect(view.getInt16(0, true)).toBe(-1234);
    expect(view.getFloat32(4, true)).toBe(3.5);
  });

  it('matches the per-unit reverse for random data, units and (mis)alignments, and swapping twice restores (seeded)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = createRandom(seed);
      const unit = [2, 4, 8, 16][randomInt(random, 0, 3)]!;
      const offset = randomInt(random, 0, 5);
      const backing = new Uint8Array(offset + randomInt(random, 0, 200));
      for (let i = 0; i < backing.length; i++) backing[i] = randomInt(random, 0, 255);
      const bytes = backing.subarray(offset);
      const original = bytes.slice();
      swapBytesInPlace(bytes, unit);
      expect([...bytes], `seed ${seed}`).toEqual([...reference(original, unit)]);
      swapBytesInPlace(bytes, unit);
      expect([...bytes], `seed ${seed}`).toEqual([...original]);
    }
  });
});
