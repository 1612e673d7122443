import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../../src/encryption/structured/ByteReader';
import { ByteWriter } from '../../../../src/encryption/structured/ByteWriter';
import { TAG } from '../../../../src/encryption/structured/format';

describe('ByteReader', () => {
  it('reads back what ByteWriter wrote, and knows when it is done', () => {
    const out = new ByteWriter();
    out.byte(9);
    out.uint(Number.MAX_SAFE_INTEGER);
    out.float64(-0);
    out.bytes(Uint8Array.of(1, 2, 3));
    out.string('voxel 🧠');
    out.string('x\uDC00');
    const reader = new ByteReader(out.finish());
    expect(reader.byte()).toBe(9);
    expect(reader.uint()).toBe(Number.MAX_SAFE_INTEGER);
    expect(Object.is(reader.float64(), -0)).toBe(true);
    expect([...reader.bytes()]).toEqual([1, 2, 3]);
    expect(reader.string()).toBe('voxel 🧠');
    expect(reader.done()).toBe(false);
    expect(reader.string()).toBe('x\uDC00');
    expect(reader.done()).toBe(true);
  });

  it('reads within a view at an offset in its buffer', () => {
    const backing = Uint8Array.of(0xff, 0xff, 2, 5, 6, 0xff);
    const reader = new ByteReader(backing.subarray(2, 5));
    expect([...reader.bytes()]).toEqual([5, 6]);
    expect(reader.done()).toBe(true);
  });

  it('reads a string after a tag the caller already read', () => {
    expect(new ByteReader(Uint8Array.of(1, 0x41)).string(TAG.utf8)).toBe('A');
  });

  it.each<[string, (reader: ByteReader) => unknown, number[]]>([
    ['a byte past the end', (reader) => reader.byte(), []],
    ['a float64 cut short', (reader) => reader.float64(), [0, 0, 0]],
    ['bytes longer than what is left', (reader) => reader.bytes(), [5, 1, 2]],
    ['a UTF-16 string longer than what is left', (reader) => reader.string(), [TAG.utf16, 2, 0x61, 0]],
    ['a whole number above 2^53', (reader) => reader.uint(), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['a string behind another tag', (reader) => reader.string(), [TAG.number]],
    ['UTF-8 that is not well formed', (reader) => reader.string(), [TAG.utf8, 1, 0xff]],
  ])('throws for %s', (_case, read, bytes) => {
    expect(() => read(new ByteReader(Uint8Array.from(bytes)))).toThrow();
  });
});
