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
