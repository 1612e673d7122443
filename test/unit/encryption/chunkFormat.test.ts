import { describe, expect, it } from 'vitest';
import {
  CHUNK_OVERHEAD_BYTES,
  CHUNK_PLAINTEXT_BYTES,
  chunkAdditionalData,
  chunkCount,
  chunkPlacement,
  chunksCovering,
  decodeHeader,
  encodeHeader,
  HEADER_BYTES,
  storedSize,
} from '../../../src/encryption/chunkFormat';

const C = CHUNK_PLAINTEXT_BYTES;

describe('chunk layout', () => {
  it.each([
    [0, 1],
    [1, 1],
    [C, 1],
    [C + 1, 2],
    [3 * C, 3],
  ])('%i plaintext bytes -> %i chunks', (bytes, count) => {
    expect(chunkCount(bytes)).toBe(count);
    expect(storedSize(bytes)).toBe(HEADER_BYTES + bytes + count * CHUNK_OVERHEAD_BYTES);
  });

  it('placements tile the stored file and the plaintext exactly, last chunk flagged', () => {
    const bytes = 2 * C + 12345;
    const placements = Array.from({ length: chunkCount(bytes) }, (_, index) => chunkPlacement(index, bytes));
    let stored = HEADER_BYTES;
    let plain = 0;
    for (const placement of placements) {
      expect(placement.storedOffset).toBe(stored);
      expect(placement.plainOffset).toBe(plain);
      stored += placement.storedLength;
      plain += placement.plainLength;
    }
    expect(stored).toBe(storedSize(bytes));
    expect(plain).toBe(bytes);
    expect(placements.map((p) => p.last)).toEqual([false, false, true]);
  });

  it('chunksCovering picks exactly the chunks a range touches', () => {
    const bytes = 4 * C;
    expect(chunksCovering(0, 0, bytes).map((c) => c.index)).toEqual([0]);
    expect(chunksCovering(C - 1, C, bytes).map((c) => c.index)).toEqual([0, 1]);
    expect(chunksCovering(C, 3 * C - 1, bytes).map((c) => c.index)).toEqual([1, 2]);
    expect(chunksCovering(bytes - 1, bytes + 100, bytes).map((c) => c.index)).toEqual([3]);
  });
});

describe('header and additional data', () => {
  it('a header round-trips its file id; anything else is refused', () => {
    const fileId = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
    const header = encodeHeader(fileId);
    expect(header.byteLength).toBe(HEADER_BYTES);
    expect(decodeHeader(header)).toEqual(fileId);
    const wrong = header.slice();
    wrong[0] = 0;
    expect(decodeHeader(wrong)).toBeNull();
    expect(decodeHeader(header.subarray(0, 10))).toBeNull();
  });

  it('additional data differs by file, index and last flag', () => {
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16).fill(2);
    const all = [chunkAdditionalData(a, 0, false), chunkAdditionalData(b, 0, false), chunkAdditionalData(a, 1, false), chunkAdditionalData(a, 0, true)];
    const distinct = new Set(all.map((bytes) => Buffer.from(bytes).toString('hex')));
    expect(distinct.size).toBe(4);
  });
});
