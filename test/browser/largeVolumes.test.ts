import { describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { serverGets, useBrowserSuite } from './support/harness';

// Volumes past 2 GiB, as 4-D fMRI reaches: Chromium hands out no ArrayBuffer
// that large (2 GiB less 2 MiB here), so getArrayBuffer and getVolume must
// refuse them with `unsupported` before the work, while get() caches, reads
// and decrypts them a slice at a time. Generated on the fly (nothing on disk
// but the cache's own copy); each download is about 2 GiB through the worker.

const suite = useBrowserSuite({ page: true });

const SLICES = 16400;
const FRAMES = 2;
const SIZE = generatedVolumeBytes(SLICES, FRAMES);
/** Offsets whose bytes are compared with the server's: the start, across 2^31, the end. */
const PROBES = [0, 2 ** 31 - 8, SIZE - 64];

/** In the page: the outcome of `call`, or the VolumeCacheError it rejected with. */
type Outcome = { ok: true } | { ok: false; isVolumeCacheError: boolean; code?: string; message: string };

async function largeVolumeRun(partition: string, path: string, encrypted: boolean) {
  return suite.page.evaluate(
    async ({ partition, path, encrypted, probes }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const key = encrypted ? await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']) : null;
      // maxBytes above the volume (the default, 2 GiB, would leave it uncached).
      const cache = await lib.createVolumeCache({ name: partition, maxBytes: 8 * 2 ** 30, ...(key ? { encryption: { key } } : {}) });
      const outcome = async (call: () => Promise<unknown>): Promise<Outcome> => {
        try {
          await call();
          return { ok: true };
        } catch (error) {
          const e = error as { code?: string; message: string };
          return { ok: false, isVolumeCacheError: error instanceof lib.VolumeCacheError, code: e.code, message: e.message };
        }
      };
      /** The File's bytes at each probe equal what the server sends for the same range. */
      const sameAsServer = async (file: File): Promise<boolean[]> =>
        Promise.all(
          probes.map(async (start) => {
            const local = new Uint8Array(await file.slice(start, start + 16).arrayBuffer());
            const remote = await window.readRangeFromServer(path, start, start + 15);
            return remote.status === 206 && local.length === 16 && remote.bytes.every((b, i) => b === local[i]);
          }),
        );
      try {
        const coldArrayBuffer = await outcome(() => cache.getArrayBuffer(path));
        const entriesAfterRefusal = (await cache.entries()).length;
        const cold = await cache.get(path);
        const coldFile = { status: cold.status, size: cold.file.size, sha256: cold.entry?.sha256 ?? null, probes: await sameAsServer(cold.file) };
        const warm = await cache.get(path);
        const warmFile = { status: warm.status, size: warm.file.size, probes: await sameAsServer(warm.file) };
        const hitArrayBuffer = await outcome(() => cache.getArrayBuffer(path));
        const volume = await outcome(() => cache.getVolume(path));
        const stats = await cache.stats();
        return {
          coldArrayBuffer,
          entriesAfterRefusal,
          coldFile,
          warmFile,
          hitArrayBuffer,
          volume,
          entries: (await cache.entries()).map((entry) => ({ bytes: entry.bytes, dims: entry.nifti?.dims ?? null })),
          stats: { corrupt: stats.corrupt, downloads: stats.downloads },
        };
      } finally {
        await cache.destroy();
      }
    },
    { partition, path, encrypted, probes: PROBES },
  );
}

describe('volumes past 2 GiB (Chromium: no ArrayBuffer that large)', () => {
  for (const encrypted of [false, true]) {
    it(`${encrypted ? 'encrypted' : 'plain'}: getArrayBuffer refuses with unsupported before downloading; get() caches and reads it right across 2^31; getArrayBuffer and getVolume of the cached copy refuse and drop nothing`, async () => {
      const seed = encrypted ? 32 : 31;
      const path = `/gen/${SLICES}x${FRAMES}-${seed}.nii`;
      const expectedSha256 = generatedVolumeSha256(SLICES, seed, 1, FRAMES);
      const run = await largeVolumeRun(`past-2gib-${encrypted ? 'sealed' : 'plain'}`, path, encrypted);
      const refusal = { ok: false, isVolumeCacheError: true, code: 'unsupported', message: expect.stringContaining('getFile()') };
      expect(SIZE).toBeGreaterThan(2 ** 31);
      expect(run.coldArrayBuffer).toMatchObject(refusal);
      expect(run.entriesAfterRefusal).toBe(0);
      expect(run.coldFile).toEqual({ status: 'miss', size: SIZE, sha256: await expectedSha256, probes: [true, true, true] });
      expect(run.warmFile).toEqual({ status: 'hit', size: SIZE, probes: [true, true, true] });
      expect(run.hitArrayBuffer).toMatchObject(refusal);
      expect(run.volume).toMatchObject(refusal);
      // The refusals dropped nothing and counted nothing as damage.
      expect(run.entries).toEqual([{ bytes: SIZE, dims: [256, 256, SLICES, FRAMES] }]);
      expect(run.stats).toEqual({ corrupt: 0, downloads: 1 });
      // The refused cold getArrayBuffer stopped its transfer after its first bytes; the full GET is get()'s.
      const gets = (await serverGets(path)).filter((request) => request.range === null);
      expect(gets).toHaveLength(2);
      expect(gets[0]!.bytesSent).toBeLessThan(SIZE / 4);
      expect(gets[1]!.bytesSent).toBe(SIZE);
    }, 300_000); // Two 2 GiB transfers, and in the encrypted run each read decrypts it all: over a minute on two cores.
  }
});
