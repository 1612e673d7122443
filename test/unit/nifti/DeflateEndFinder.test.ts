import { describe, it, expect } from 'vitest';
import { constants, deflateRawSync, gunzipSync, type ZlibOptions } from 'node:zlib';
import { DeflateEndFinder, type DeflateWalk } from '../../../src/nifti/DeflateEndFinder';
import { manifest, readSharedFile } from '../support/sharedData';
import { createRandom } from '../support/random';
import { firstByteThenRest, fixedChunks, oneChunk, randomChunks, type Chunking } from '../derived/support/chunkings';
import { concat } from './support/gzipMembers';

/** The walk's last answer after pushing every chunk. */
function walk(chunks: readonly Uint8Array[]): DeflateWalk {
  const finder = new DeflateEndFinder();
  let result: DeflateWalk = { kind: 'more' };
  for (const chunk of chunks) result = finder.push(chunk);
  return result;
}

/** What follows a deflate stream inside a gzip member: an 8-byte trailer, then perhaps the next member. */
const TRAILER = Uint8Array.of(0xde, 0xad, 0xbe, 0xef, 0x1f, 0x8b, 0x08, 0x00, 0x1f, 0x8b);

const chunkings: Chunking[] = [oneChunk, firstByteThenRest, fixedChunks(1), fixedChunks(3), fixedChunks(4096), randomChunks(1), randomChunks(2)];

/** Noise with some structure, so that every strategy makes matches, literals and several block types. */
function sampleBytes(length: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = random() < 0.3 ? (bytes[i - 7] ?? 0) : Math.floor(random() * random() * 256);
  return bytes;
}

describe('DeflateEndFinder on streams node:zlib writes', () => {
  const payload = sampleBytes(200_000, 7);
  it.each<[string, ZlibOptions]>([
    ['level 0 (stored blocks only)', { level: 0 }],
    ['level 1', { level: 1 }],
    ['level 6', { level: 6 }],
    ['level 9', { level: 9 }],
    ['fixed Huffman codes only', { strategy: constants.Z_FIXED }],
    ['Huffman only (no matches)', { strategy: constants.Z_HUFFMAN_ONLY }],
    ['run-length matches', { strategy: constants.Z_RLE }],
    ['filtered', { strategy: constants.Z_FILTERED }],
    ['many small dynamic blocks (memLevel 1)', { memLevel: 1 }],
  ])('%s: ends exactly where the deflate data does, for every chunking', (_name, options) => {
    const deflated = new Uint8Array(deflateRawSync(payload, options));
    const stream = concat([deflated, TRAILER]);
    for (const chunking of chunkings) {
      expect(walk(chunking.split(stream)), chunking.name).toEqual({ kind: 'ended', length: deflated.byteLength });
    }
  });

  it.each<[string, Uint8Array]>([
    ['an empty payload', new Uint8Array(0)],
    ['one byte', Uint8Array.of(42)],
    ['70,000 zero bytes (long matches, stored blocks at level 0 over 64 KiB)', new Uint8Array(70_000)],
  ])('%s', (_name, bytes) => {
    for (const level of [0, 6]) {
      const deflated = new Uint8Array(deflateRawSync(bytes, { level }));
      for (const chunking of chunkings) {
        expect(walk(chunking.split(concat([deflated, TRAILER]))), `level ${level}, ${chunking.name}`).toEqual({ kind: 'ended', length: deflated.byteLength });
      }
    }
  });

  it.each(manifest.files.filter((file) => file.compressed).map((file) => [file.file] as const))('%s, inflated and deflated again', async (name) => {
    const payload = new Uint8Array(gunzipSync(await readSharedFile(name)));
    const deflated = new Uint8Array(deflateRawSync(payload));
    for (const chunking of [oneChunk, fixedChunks(65536), randomChunks(3)]) {
      expect(walk(chunking.split(concat([deflated, TRAILER]))), chunking.name).toEqual({ kind: 'ended', length: deflated.byteLength });
    }
  });

  it('keeps answering "more" for a stream cut anywhere before its end', () => {
    const deflated = new Uint8Array(deflateRawSync(sampleBytes(5000, 3)));
    for (let cut = 0; cut < deflated.byteLength; cut += 97) {
      expect(walk(fixedChunks(13).split(deflated.subarray(0, cut))), `cut at ${cut}`).toEqual({ kind: 'more' });
    }
    expect(walk([deflated.subarray(0, deflated.byteLength - 1)])).toEqual({ kind: 'more' });
  });

  it('returns the same answer to pushes after the end', () => {
    const deflated = new Uint8Array(deflateRawSync(Uint8Array.of(1, 2, 3)));
    const finder = new DeflateEndFinder();
    expect(finder.push(concat([deflated, TRAILER]))).toEqual({ kind: 'ended', length: deflated.byteLength });
    expect(finder.push(TRAILER)).toEqual({ kind: 'ended', length: deflated.byteLength });
  });
});

/** Writes deflate bits LSB first, as RFC 1951 3.1.1 packs them; Huffman codes go MSB first. */
class BitWriter {
  private readonly bytes: number[] = [];
  private bitCount = 0;

  bits(value: number, count: number): this {
    for (let i = 0; i < count; i++) this.bit((value >> i) & 1);
    return this;
  }

  code(code: number, length: number): this {
    for (let i = length - 1; i >= 0; i--) this.bit((code >> i) & 1);
    return this;
  }

  done(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  private bit(value: number): void {
    if (this.bitCount % 8 === 0) this.bytes.push(0);
    this.bytes[this.bytes.length - 1]! |= value << this.bitCount % 8;
    this.bitCount++;
  }
}

describe('DeflateEndFinder on streams that are not deflate', () => {
  // Fixed codes (RFC 1951 3.2.6): literal/length 280-287 are the 8-bit codes 11000000 + (n - 280); distances are 5 bits.
  const fixedBlock = () => new BitWriter().bits(1, 1).bits(1, 2);

  it.each<[string, Uint8Array, string]>([
    ['block type 3', new BitWriter().bits(1, 1).bits(3, 2).done(), 'block type 3'],
    ['a stored block whose NLEN is not the complement of LEN', concat([Uint8Array.of(0x01), Uint8Array.of(5, 0, 0, 0)]), 'LEN and NLEN'],
    ['length symbol 286', fixedBlock().code(0b11000110, 8).bits(0, 16).done(), 'length symbol 286'],
    ['distance symbol 30', fixedBlock().code(0b0000001, 7).code(30, 5).bits(0, 16).done(), 'distance'],
    ['a dynamic block of 287 literal/length codes', new BitWriter().bits(1, 1).bits(2, 2).bits(30, 5).bits(0, 5).bits(0, 4).bits(0, 32).done(), 'literal/length'],
  ])('%s is invalid', (_name, bytes, detail) => {
    for (const chunking of [oneChunk, fixedChunks(1)]) {
      const result = walk(chunking.split(concat([bytes, new Uint8Array(16)])));
      expect(result.kind, chunking.name).toBe('invalid');
      expect(result.kind === 'invalid' && result.detail).toContain(detail);
    }
  });

  it('a fixed block made by hand ends where its end-of-block code does', () => {
    // Literal 'A' (0x41 + 0x30 = 0x71 as an 8-bit code), a length 3 (symbol 257, code 0000001) at distance 1, end of block (0000000).
    const bytes = fixedBlock().code(0x71, 8).code(0b0000001, 7).code(0, 5).code(0, 7).done();
    for (const chunking of [oneChunk, fixedChunks(1)]) {
      expect(walk(chunking.split(concat([bytes, TRAILER]))), chunking.name).toEqual({ kind: 'ended', length: bytes.byteLength });
    }
  });

  it('stays invalid once invalid', () => {
    const finder = new DeflateEndFinder();
    expect(finder.push(new BitWriter().bits(1, 1).bits(3, 2).done()).kind).toBe('invalid');
    expect(finder.push(new Uint8Array(deflateRawSync(Uint8Array.of(1)))).kind).toBe('invalid');
  });
});
