import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GzipMemberSplitter } from '../../../src/nifti/GzipMemberSplitter';
import { manifest, readSharedFile } from '../support/sharedData';
import { firstByteThenRest, fixedChunks, oneChunk, randomChunks, type Chunking } from '../derived/support/chunkings';
import { bgzf, concat, gzipMember, gzipMembers, memberEnds, partsOf } from './support/gzipMembers';

interface Split {
  /** Offsets (in the whole stream) where a piece said a member ended. */
  ends: number[];
  /** SHA-256 of the pieces put back together: must be the input's, byte for byte. */
  joined: string;
  /** What finish() said, or the detail push() gave up with. */
  problem: string | null;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function split(chunks: readonly Uint8Array[]): Split {
  const splitter = new GzipMemberSplitter();
  const pieces: Uint8Array[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const chunk of chunks) {
    const result = splitter.push(chunk);
    if (result.kind === 'invalid') return { ends, joined: sha256(concat(pieces)), problem: result.detail };
    for (const piece of result.pieces) {
      pieces.push(piece.bytes);
      at += piece.bytes.byteLength;
      if (piece.endsMember) ends.push(at);
    }
  }
  const problem = splitter.finish();
  return { ends, joined: sha256(concat(pieces)), problem };
}

const chunkings: Chunking[] = [oneChunk, firstByteThenRest, fixedChunks(1), fixedChunks(7), fixedChunks(65536), randomChunks(1), randomChunks(2)];

describe('GzipMemberSplitter on single-member files', () => {
  it.each(manifest.files.filter((file) => file.compressed).map((file) => [file.file, file] as const))('%s is one member ending at its last byte', async (_name, facts) => {
    const bytes = await readSharedFile(facts.file);
    for (const chunking of [oneChunk, fixedChunks(4096), randomChunks(1)]) {
      const result = split(chunking.split(bytes));
      expect(result, chunking.name).toEqual({ ends: [facts.bytes], joined: sha256(bytes), problem: null });
    }
  });
});

describe('GzipMemberSplitter on multi-member streams', () => {
  it('cat a.gz b.gz c.gz of a sample split in three: cut at each member end, for every chunking', async () => {
    const payload = new Uint8Array(gunzipSync(await readSharedFile('nifti/example4d.nii.gz')));
    const members = partsOf(payload, Math.ceil(payload.byteLength / 3)).map((part) => new Uint8Array(gzipSync(part)));
    const stream = concat(members);
    for (const chunking of chunkings) {
      expect(split(chunking.split(stream)), chunking.name).toEqual({ ends: memberEnds(members), joined: sha256(stream), problem: null });
    }
  });

  it('BGZF (many 4 KiB members with a BC extra field, then the empty end-of-file member)', async () => {
    const payload = new Uint8Array(gunzipSync(await readSharedFile('nifti/example_nifti2.nii.gz')));
    const stream = bgzf(payload, 4096);
    const expected = Math.ceil(payload.byteLength / 4096) + 1;
    for (const chunking of [oneChunk, fixedChunks(1000), randomChunks(3)]) {
      const result = split(chunking.split(stream));
      expect(result.problem, chunking.name).toBeNull();
      expect(result.ends, chunking.name).toHaveLength(expected);
      expect(result.ends.at(-1)).toBe(stream.byteLength);
      expect(result.ends.at(-2)).toBe(stream.byteLength - 28);
    }
  });

  it('members with every optional header field (FEXTRA, FNAME, FCOMMENT, FHCRC), and empty members', () => {
    const members = [
      gzipMember(Uint8Array.of(1, 2, 3), { name: 'volume.nii' }),
      gzipMember(new Uint8Array(0)),
      gzipMember(new Uint8Array(1000).fill(7), { extra: new Uint8Array(300).fill(0x1f), name: '', comment: 'made by hand' }),
      gzipMember(Uint8Array.of(9), { comment: 'x'.repeat(70_000), headerCrc: true }),
      gzipMember(Uint8Array.of(4, 5), { extra: new Uint8Array(0), headerCrc: true }),
    ];
    const stream = concat(members);
    for (const chunking of chunkings) {
      expect(split(chunking.split(stream)), chunking.name).toEqual({ ends: memberEnds(members), joined: sha256(stream), problem: null });
    }
  });

  it('does not cut where gzip magic, or a whole gzip member, appears inside deflate data', () => {
    // A stored (level 0) member whose payload is a complete gzip member: its bytes appear verbatim in the deflate data.
    const inner = gzipMember(new Uint8Array(64).fill(1));
    const outer = gzipMember(concat([inner, inner]), {}, { level: 0 });
    expect(outer.indexOf(0x1f, 10)).toBeGreaterThan(0);
    const stream = concat([outer, inner]);
    for (const chunking of chunkings) {
      expect(split(chunking.split(stream)), chunking.name).toEqual({ ends: [outer.byteLength, stream.byteLength], joined: sha256(stream), problem: null });
    }
  });
});

describe('GzipMemberSplitter on streams that are not whole gzip members', () => {
  const one = gzipMembers([new TextEncoder().encode('hello')]);

  it.each<[string, Uint8Array, string]>([
    ['junk after the last member', concat([one, new TextEncoder().encode('garbage!')]), 'bytes after gzip member 1'],
    ['zero bytes after the last member', concat([one, new Uint8Array(8)]), 'bytes after gzip member 1'],
    ['a member with reserved flag bits set', Uint8Array.of(0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 3), 'reserved flag'],
    ['compression method 7', Uint8Array.of(0x1f, 0x8b, 7, 0, 0, 0, 0, 0, 0, 3), 'method 7'],
    ['no gzip magic', new TextEncoder().encode('<!doctype html>'), 'no gzip magic'],
    ['a member whose deflate data is not deflate (block type 3)', concat([one.subarray(0, 10), Uint8Array.of(0xff, 0xff, 0xff)]), 'block type 3'],
  ])('%s', (_name, bytes, detail) => {
    for (const chunking of [oneChunk, fixedChunks(1)]) {
      const result = split(chunking.split(bytes));
      expect(result.problem, chunking.name).toContain(detail);
    }
  });

  it('a stream cut in a header, in the deflate data or in the trailer is cut short', async () => {
    const bytes = gzipMembers([new Uint8Array(gunzipSync(await readSharedFile('nifti/example_nifti2.nii.gz')))]);
    const withName = gzipMember(Uint8Array.of(1), { name: 'long-name.nii' });
    const cases: [Uint8Array, string][] = [
      [bytes.subarray(0, 5), 'header cut short'],
      [withName.subarray(0, 14), 'header cut short'],
      [bytes.subarray(0, 500), 'member cut short'],
      [bytes.subarray(0, bytes.byteLength - 1), 'member cut short'],
      [concat([bytes, bytes.subarray(0, 3)]), 'header cut short'],
    ];
    for (const [cut, detail] of cases) expect(split([cut]).problem).toContain(detail);
  });

  it('an empty stream is not gzip', () => {
    expect(split([]).problem).toBe('an empty gzip stream');
  });

  it('stays invalid once invalid', () => {
    const splitter = new GzipMemberSplitter();
    expect(splitter.push(new TextEncoder().encode('nope')).kind).toBe('invalid');
    expect(splitter.push(one).kind).toBe('invalid');
    expect(splitter.finish()).toBe('no gzip magic');
  });
});
