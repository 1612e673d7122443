import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource, type GeneratedChunkCache } from '../../server/generatedVolume';

const spec = { slices: 40, seed: 3, version: 1 }; // 2.5 MiB + header: three voxel chunks

async function collect(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of chunks) out.push(chunk);
  return out;
}

function sha256(chunks: Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

describe('generated volumes kept in memory (the bench server)', () => {
  test('serve the same bytes as generated ones, whole and by range', async () => {
    const cache: GeneratedChunkCache = new Map();
    const end = generatedVolumeBytes(spec.slices) - 1;
    const kept = await collect(generatedVolumeSource(spec, cache).chunks(0, end));
    expect(sha256(kept)).toBe(await generatedVolumeSha256(spec.slices, spec.seed));

    const [start, last] = [1_000_000, 2_200_000];
    const fresh = Buffer.concat(await collect(generatedVolumeSource(spec).chunks(start, last)));
    const fromCache = Buffer.concat(await collect(generatedVolumeSource(spec, cache).chunks(start, last)));
    expect(fromCache.length).toBe(last - start + 1);
    expect(fromCache.equals(fresh)).toBe(true);
  });

  test('produce each chunk once and hand the kept one out again', async () => {
    const cache: GeneratedChunkCache = new Map();
    const end = generatedVolumeBytes(spec.slices) - 1;
    const first = await collect(generatedVolumeSource(spec, cache).chunks(0, end));
    expect(cache.size).toBe(3);
    const second = await collect(generatedVolumeSource(spec, cache).chunks(0, end));
    expect(cache.size).toBe(3);
    // Index 0 is the header, generated per request; the voxel chunks are the kept buffers.
    expect(second).toHaveLength(first.length);
    for (let i = 1; i < first.length; i++) expect(second[i]!.buffer).toBe(first[i]!.buffer);
  });

  test('keep versions apart', async () => {
    const cache: GeneratedChunkCache = new Map();
    const end = generatedVolumeBytes(spec.slices) - 1;
    const v1 = sha256(await collect(generatedVolumeSource(spec, cache).chunks(0, end)));
    const v2 = sha256(await collect(generatedVolumeSource({ ...spec, version: 2 }, cache).chunks(0, end)));
    expect(v1).not.toBe(v2);
    expect(v2).toBe(await generatedVolumeSha256(spec.slices, spec.seed, 2));
  });
});

describe('4-D generated volumes (frames), for sizes past 2 GiB', () => {
  test('a header with dim[0] 4 and dim[4] the frames, and voxels that continue the 3-D stream', async () => {
    const frames = { ...spec, frames: 2 };
    const source = generatedVolumeSource(frames);
    expect(source.size).toBe(generatedVolumeBytes(spec.slices, 2));
    expect(source.etag).not.toBe(generatedVolumeSource(spec).etag);
    const header = Buffer.concat(await collect(source.chunks(0, 351)));
    const dims = Array.from({ length: 5 }, (_, i) => header.readInt16LE(40 + 2 * i));
    expect(dims).toEqual([4, 256, 256, spec.slices, 2]);
    // The first frame's voxels are the 3-D volume's: one stream, cut at a different length.
    const threeD = Buffer.concat(await collect(generatedVolumeSource(spec).chunks(352, source.size / 2)));
    expect(Buffer.concat(await collect(source.chunks(352, source.size / 2))).equals(threeD)).toBe(true);
    expect(sha256(await collect(source.chunks(0, source.size - 1)))).toBe(await generatedVolumeSha256(spec.slices, spec.seed, 1, 2));
  });

  test('sizes past 2 GiB are ranges like any other, produced without what precedes them', async () => {
    const big = { slices: 16400, frames: 2, seed: 5, version: 1 };
    const source = generatedVolumeSource(big);
    expect(source.size).toBeGreaterThan(2 ** 31);
    const start = 2 ** 31 - 10;
    const across = Buffer.concat(await collect(source.chunks(start, start + 19)));
    expect(across.length).toBe(20);
    const tail = Buffer.concat(await collect(source.chunks(source.size - 4, source.size - 1)));
    expect(tail.length).toBe(4);
  });
});
