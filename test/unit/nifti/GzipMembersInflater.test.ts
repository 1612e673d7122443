import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GzipMembersInflater } from '../../../src/nifti/GzipMembersInflater';
import { VolumeCacheError } from '../../../src/errors';
import { manifest, readSharedFile } from '../support/sharedData';
import { firstByteThenRest, fixedChunks, oneChunk, randomChunks, type Chunking } from '../derived/support/chunkings';
import { bgzf, concat, gzipMember, gzipMembers, partsOf } from './support/gzipMembers';
import { rejection } from '../support/rejection';

const URL_X = 'https://data.example/volume.nii.gz';
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Everything the inflater hands over, in order, for these chunks. */
async function inflate(chunks: readonly Uint8Array[]): Promise<Uint8Array> {
  const payload: Uint8Array[] = [];
  const inflater = new GzipMembersInflater((bytes) => payload.push(bytes.slice()), URL_X);
  for (const chunk of chunks) await inflater.push(chunk);
  await inflater.finish();
  return concat(payload);
}

/** The VolumeCacheError `promise` rejects with. */
const failure = rejection;

const chunkings: Chunking[] = [oneChunk, firstByteThenRest, fixedChunks(7), fixedChunks(65536), randomChunks(1), randomChunks(2)];

describe('GzipMembersInflater on the shared samples', () => {
  it.each(manifest.files.filter((file) => file.compressed).map((file) => [file.file, file] as const))('%s gives what gunzip gives', async (_name, facts) => {
    const bytes = await readSharedFile(facts.file);
    const expected = sha256(new Uint8Array(gunzipSync(bytes)));
    for (const chunking of [oneChunk, randomChunks(4)]) {
      const payload = await inflate(chunking.split(bytes));
      expect(payload.byteLength, chunking.name).toBe(facts.decompressedBytes);
      expect(sha256(payload), chunking.name).toBe(expected);
    }
  });
});

describe('GzipMembersInflater on multi-member streams', () => {
  it('cat of a sample gzipped in three parts gives the whole sample, for every chunking', async () => {
    const payload = new Uint8Array(gunzipSync(await readSharedFile('nifti/example4d.nii.gz')));
    const stream = gzipMembers(partsOf(payload, 400_000));
    // Byte-sized chunks are tried on the small streams below; here they would cost seconds for nothing more.
    for (const chunking of chunkings.filter((each) => each.name !== fixedChunks(7).name)) {
      expect(sha256(await inflate(chunking.split(stream))), chunking.name).toBe(sha256(payload));
    }
  });

  it('BGZF: 64 KiB blocks of a 17 MB sample, each its own member', async () => {
    const payload = new Uint8Array(gunzipSync(await readSharedFile('nifti/MNI152_2009_template.nii.gz')));
    const stream = bgzf(payload);
    for (const chunking of [oneChunk, randomChunks(5)]) expect(sha256(await inflate(chunking.split(stream))), chunking.name).toBe(sha256(payload));
  });

  it('members with FEXTRA, FNAME, FCOMMENT and FHCRC, and empty members', async () => {
    const parts = [Uint8Array.of(1, 2, 3), new Uint8Array(0), new Uint8Array(5000).fill(9), Uint8Array.of(4)];
    const stream = concat([
      gzipMember(parts[0]!, { name: 'a.nii', headerCrc: true }),
      gzipMember(parts[1]!),
      gzipMember(parts[2]!, { extra: Uint8Array.of(0x42, 0x43, 2, 0, 0, 0), comment: 'part two' }),
      gzipMember(parts[3]!, { name: '', comment: '', headerCrc: true }),
    ]);
    for (const chunking of [oneChunk, fixedChunks(1)]) expect(await inflate(chunking.split(stream)), chunking.name).toEqual(concat(parts));
  });
});

describe('GzipMembersInflater on damaged streams', () => {
  const parts = [new TextEncoder().encode('first member '), new Uint8Array(20_000).fill(3), new TextEncoder().encode('last')];
  const members = parts.map((part) => new Uint8Array(gzipSync(part)));
  /** A copy of the three-member stream with one byte of member `member` (0-based), counted from its end, changed. */
  const damaged = (member: number, fromEnd: number) => {
    const copy = members.map((m) => m.slice());
    copy[member]![copy[member]!.byteLength - fromEnd]! ^= 0xff;
    return concat(copy);
  };

  it.each<[string, () => Uint8Array, string]>([
    ['a wrong CRC-32 in the second member', () => damaged(1, 8), 'gzip member 2'],
    ['a wrong ISIZE in the last member', () => damaged(2, 1), 'gzip member 3'],
    ['a stream cut inside the second member', () => concat(members).subarray(0, members[0]!.byteLength + 20), 'cut short'],
    ['junk after the last member', () => concat([...members, new TextEncoder().encode('garbage!')]), 'bytes after gzip member 3'],
    ['zero padding after the last member', () => concat([...members, new Uint8Array(512)]), 'bytes after gzip member 3'],
    ['a corrupt header in the second member (FHCRC wrong)', () => {
      const member = gzipMember(parts[1]!, { headerCrc: true });
      member[10]! ^= 0xff;
      return concat([members[0]!, member, members[2]!]);
    }, 'gzip member 2'],
  ])('%s: corrupt', async (_name, stream, detail) => {
    for (const chunking of [oneChunk, fixedChunks(5), randomChunks(6)]) {
      const error = await failure(inflate(chunking.split(stream())));
      expect(error.code, chunking.name).toBe('corrupt');
      expect(error.detail, chunking.name).toContain(detail);
      expect(error.url).toBe(URL_X);
    }
  });

  it('the shared bad gzip files are corrupt', async () => {
    for (const name of ['bad/truncated_gzip.nii.gz', 'bad/bad_crc.nii.gz']) {
      expect((await failure(inflate([await readSharedFile(name)]))).code, name).toBe('corrupt');
    }
  });
});

describe('GzipMembersInflater and its consumer', () => {
  it('passes on what onData throws, unwrapped, and stops', async () => {
    const refusal = new VolumeCacheError('not-nifti', 'not a volume');
    let calls = 0;
    const inflater = new GzipMembersInflater(() => {
      calls++;
      throw refusal;
    });
    const stream = gzipMembers([new Uint8Array(100_000).fill(1), new Uint8Array(100_000).fill(2)]);
    let thrown: unknown = null;
    try {
      for (const chunk of fixedChunks(4096).split(stream)) await inflater.push(chunk);
      await inflater.finish();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(refusal);
    expect(calls).toBe(1);
  });

  it('hands over each member in order, finishing one before the next begins', async () => {
    const parts = Array.from({ length: 20 }, (_, i) => new Uint8Array(3000 + i).fill(i));
    const seen: number[] = [];
    const inflater = new GzipMembersInflater((bytes) => seen.push(...new Set(bytes)));
    await inflater.push(gzipMembers(parts));
    await inflater.finish();
    expect([...new Set(seen)]).toEqual(parts.map((_, i) => i));
  });

  it('abandon() mid-member releases the inflater without throwing', async () => {
    const inflater = new GzipMembersInflater(() => undefined);
    await inflater.push(new Uint8Array(gzipSync(new Uint8Array(1_000_000))).subarray(0, 500));
    expect(() => inflater.abandon()).not.toThrow();
    expect(() => inflater.abandon()).not.toThrow();
    // Let the aborted writer settle; vitest fails the run on an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
