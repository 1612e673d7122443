import { describe, expect, it, vi } from 'vitest';
import { deserializeStructured } from '../../../../src/encryption/structured/deserializeStructured';
import { MAX_NESTING_DEPTH, TAG } from '../../../../src/encryption/structured/format';
import { VolumeCacheError } from '../../../../src/errors';
import { VERSION_1_HEX, version1Value } from './version1Sample';

/** What deserializeStructured() throws for `bytes` (it is synchronous, so no rejection()). */
function thrownBy(bytes: Uint8Array): VolumeCacheError {
  let caught: unknown;
  try {
    deserializeStructured(bytes);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VolumeCacheError);
  return caught as VolumeCacheError;
}

/**
 * A plain Uint8Array of its own: a Node Buffer would not do, as its slice()
 * is a view into a shared pool, not the copy the decoder takes it to be.
 */
function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

describe('deserializeStructured', () => {
  it('reads the bytes format version 1 wrote, as stored values hold them', async () => {
    const back = deserializeStructured(hexBytes(VERSION_1_HEX)) as Record<string, unknown> & { blob: Blob; bytes: Uint16Array; list: unknown[] };
    const { blob, ...rest } = version1Value();
    expect(back).toStrictEqual({ ...rest, blob: expect.any(Blob) });
    expect([back.blob.type, await back.blob.text()]).toEqual([(blob as Blob).type, 'hi']);
    expect(back.bytes.buffer).toBe(back.buffer);
    expect(back.list[1]).toBe(back.list[0]);
  });

  it.each<[string, Uint8Array]>([
    ['no bytes', new Uint8Array(0)],
    ['another format version', new Uint8Array([9, 0, 0])],
    ['a cut-off value', new Uint8Array([1, 0, 4, 0, 0])],
    ['bytes after the value', new Uint8Array([1, 0, 1, 1])],
    ['an unknown tag', new Uint8Array([1, 0, 200])],
    ['a reference to nothing', new Uint8Array([1, 0, 8, 5])],
    ['a view of an unknown type', new Uint8Array([1, 0, 22, 99, 20, 0, 0, 0])],
  ])('reads %s as corrupt', (_case, bytes) => {
    expect(thrownBy(bytes).code).toBe('corrupt');
  });

  it(`reads ${MAX_NESTING_DEPTH} levels of nesting, and deeper ones (which the encoder never writes) as corrupt, with no RangeError`, () => {
    // Arrays of one element and no other properties, one inside the next, around undefined.
    const nested = (levels: number): Uint8Array =>
      Uint8Array.from([1, 0, ...Array.from({ length: levels }, () => [TAG.denseArray, 1]).flat(), TAG.undefined, ...Array<number>(levels).fill(0)]);
    let value = deserializeStructured(nested(MAX_NESTING_DEPTH));
    for (let i = 0; i < MAX_NESTING_DEPTH; i++) value = (value as unknown[])[0];
    expect(value).toBeUndefined();
    expect(thrownBy(nested(MAX_NESTING_DEPTH + 1)).code).toBe('corrupt');
    expect(thrownBy(nested(100_000)).code).toBe('corrupt');
  });

  it('keeps unsupported, not corrupt, for a view type this platform lacks (Float16Array in older browsers)', () => {
    vi.stubGlobal('Float16Array', undefined);
    try {
      // A view of type 12 (Float16Array) over a 2-byte buffer, offset 0, length 1.
      const error = thrownBy(Uint8Array.of(1, 0, TAG.view, 12, TAG.arrayBuffer, 2, 0, 0, 0, 1));
      expect(error.code).toBe('unsupported');
      expect(error.detail).toContain('Float16Array');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
