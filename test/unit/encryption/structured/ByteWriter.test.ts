import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../src/encryption/structured/ByteWriter';
import { TAG } from '../../../../src/encryption/structured/format';

function written(write: (out: ByteWriter) => void): number[] {
  const out = new ByteWriter();
  write(out);
  return [...out.finish()];
}

describe('ByteWriter', () => {
  it.each<[number, number[]]>([
    [0, [0]],
    [127, [0x7f]],
    [128, [0x80, 0x01]],
    [300, [0xac, 0x02]],
    [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
    [Number.MAX_SAFE_INTEGER, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('writes the whole number %d as LEB128, past 32 bits too', (value, bytes) => {
    expect(written((out) => out.uint(value))).toEqual(bytes);
  });

  it('writes a float64 little-endian, keeping -0', () => {
    expect(written((out) => out.float64(-0))).toEqual([0, 0, 0, 0, 0, 0, 0, 0x80]);
    expect(written((out) => out.float64(1))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
  });

  it('writes bytes after their length, and raw bytes as they are', () => {
    expect(written((out) => out.bytes(Uint8Array.of(7, 8)))).toEqual([2, 7, 8]);
    expect(written((out) => out.raw(Uint8Array.of(7, 8)))).toEqual([7, 8]);
  });

  it('writes a well-formed string as UTF-8, and one with a lone surrogate as UTF-16 code units, each behind its tag', () => {
    expect(written((out) => out.string('ü'))).toEqual([TAG.utf8, 2, 0xc3, 0xbc]);
    expect(written((out) => out.string('a\uD800'))).toEqual([TAG.utf16, 2, 0x61, 0x00, 0x00, 0xd8]);
  });

  it('grows past its first 256 bytes, keeping what it wrote, whether a large write or many small ones', () => {
    const large = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);
    expect(written((out) => out.raw(large))).toEqual([...large]);
    expect(written((out) => large.forEach((byte) => out.byte(byte)))).toEqual([...large]);
    expect(written((out) => out.string('\uD800'.repeat(300)))).toHaveLength(1 + 2 + 600);
  });
});
