import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256, generatedVolumeSource } from '../server/generatedVolume';
import { launchBrowser, resetServer, serverGets, type TestBrowser } from './support/harness';
import { sample } from './support/manifest';

let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page } = await browser.newTestPage());
  // One non-extractable key for the whole file, kept on the page as an application would keep its session key.
  await page.evaluate(async () => {
    (window as unknown as { key: CryptoKey }).key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  });
});
afterAll(async () => {
  await browser.close();
});
beforeEach(async () => {
  await resetServer();
});

/** cache.get on an encrypted partition: status, SHA-256 of the File read back, entry. */
function encryptedGet(partition: string, path: string) {
  return page.evaluate(
    async ({ partition, path }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: partition, encryption: { key: (window as unknown as { key: CryptoKey }).key } });
      try {
        const { status, file, entry } = await cache.get(path);
        return { status, size: file.size, sha256: await window.sha256Hex(file), entrySha256: entry?.sha256 ?? null, corrupt: (await cache.stats()).corrupt };
      } finally {
        cache.close();
      }
    },
    { partition, path },
  );
}

/** Whether any stored file of the partition contains `needle`, and the row fields of its database that are strings. */
function scanPartition(partition: string, needle: number[]) {
  return page.evaluate(
    async ({ partition, needle }) => {
      const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('volume-cache')).getDirectoryHandle(partition);
      let found = 0;
      let files = 0;
      for await (const [, handle] of (await dir.getDirectoryHandle('blobs')).entries()) {
        files++;
        const bytes = new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer());
        outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
          for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
          found++;
        }
      }
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const request = indexedDB.open(`volume-cache:${partition}`);
        request.onerror = () => reject(request.error);
        request.onsuccess = () => {
          const all = request.result.transaction('entries').objectStore('entries').getAll();
          all.onsuccess = () => {
            resolve(all.result);
            request.result.close();
          };
        };
      });
      const strings = rows.flatMap((row) => Object.values(row as Record<string, unknown>).filter((value): value is string => typeof value === 'string'));
      return { files, found, strings };
    },
    { partition, needle },
  );
}

describe('encryption at rest', () => {
  for (const name of ['functional.nii', 'spm152.nii.gz']) {
    it(`${name}: round trip miss then hit with the source bytes; no plaintext on disk; URL not in the database`, async () => {
      const facts = sample(name);
      const partition = `enc-${name.replace(/\W/g, '')}`;
      const path = `/data/nifti/${name}`;
      expect(await encryptedGet(partition, path)).toMatchObject({ status: 'miss', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 });
      expect(await encryptedGet(partition, path)).toMatchObject({ status: 'hit', size: facts.bytes, sha256: facts.sha256 });
      // The NIfTI-1 magic "n+1\0" (for .nii) or the gzip magic and header start (for .nii.gz) must not appear.
      const needle = name.endsWith('.gz') ? [0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00] : [0x6e, 0x2b, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00];
      const scan = await scanPartition(partition, needle);
      expect(scan).toMatchObject({ files: 1, found: 0 });
      expect(scan.strings.join(' ')).not.toContain(name);
      expect(scan.strings.join(' ')).not.toContain(facts.sha256);
    });
  }

  it('a generated 300 MB file round-trips encrypted, and no 12-byte run of its header is on disk', async () => {
    const slices = 4800;
    const path = `/gen/${slices}-41.nii`;
    const expected = await generatedVolumeSha256(slices, 41);
    expect(await encryptedGet('enc-large', path)).toMatchObject({ status: 'miss', size: generatedVolumeBytes(slices), sha256: expected });
    expect(await encryptedGet('enc-large', path)).toMatchObject({ status: 'hit', sha256: expected });
    // "n+1\0", the empty extension flag and the first four voxel bytes.
    const header = await firstBytes(slices, 41, 356);
    const scan = await scanPartition('enc-large', [...header.subarray(344, 356)]);
    expect(scan).toMatchObject({ files: 1, found: 0 });
  });

  it('a flipped byte in a stored chunk fails the read with corrupt, drops the entry, and the next get downloads again', async () => {
    const path = '/gen/40-42.nii';
    const expected = await generatedVolumeSha256(40, 42);
    expect(await encryptedGet('enc-tamper', path)).toMatchObject({ status: 'miss', sha256: expected });
    await page.evaluate(async () => {
      const blobs = await (await (await (await navigator.storage.getDirectory()).getDirectoryHandle('volume-cache')).getDirectoryHandle('enc-tamper')).getDirectoryHandle('blobs');
      for await (const [, handle] of blobs.entries()) {
        const file = handle as FileSystemFileHandle;
        const bytes = new Uint8Array(await (await file.getFile()).arrayBuffer());
        bytes[1_500_000] = bytes[1_500_000]! ^ 0xff; // inside the second chunk
        const writable = await file.createWritable();
        await writable.write(bytes);
        await writable.close();
      }
    });
    const offline = await page.evaluate(async (path) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: 'enc-tamper', encryption: { key: (window as unknown as { key: CryptoKey }).key } });
      try {
        await cache.getCachedFile(path);
        return 'resolved';
      } catch (error) {
        return (error as { code?: string }).code;
      } finally {
        cache.close();
      }
    }, path);
    expect(offline).toBe('corrupt');
    const again = await encryptedGet('enc-tamper', path);
    expect(again).toMatchObject({ status: 'miss', sha256: expected });
    expect(again.corrupt).toBe(1);
    expect(await serverGets(path)).toHaveLength(2);
  });

  it('opening with another key, without the key, or a plain partition with a key fails with key-mismatch', async () => {
    const codes = await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const key = (window as unknown as { key: CryptoKey }).key;
      const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const code = async (run: () => Promise<unknown>) => {
        try {
          await run();
          return 'resolved';
        } catch (error) {
          return (error as { code?: string }).code;
        }
      };
      const encrypted = await lib.createVolumeCache({ name: 'enc-keys', encryption: { key } });
      await encrypted.get('/data/nifti/functional.nii');
      encrypted.close();
      const plain = await lib.createVolumeCache({ name: 'plain-keys' });
      await plain.get('/data/nifti/functional.nii');
      plain.close();
      return {
        otherKey: await code(() => lib.createVolumeCache({ name: 'enc-keys', encryption: { key: other } })),
        noKey: await code(() => lib.createVolumeCache({ name: 'enc-keys' })),
        keyOnPlain: await code(() => lib.createVolumeCache({ name: 'plain-keys', encryption: { key } })),
        notAKey: await code(() => lib.createVolumeCache({ name: 'enc-other', encryption: { key: 'secret' as unknown as CryptoKey } })),
        rightKey: await code(async () => (await lib.createVolumeCache({ name: 'enc-keys', encryption: { key } })).close()),
      };
    });
    expect(codes).toEqual({ otherKey: 'key-mismatch', noKey: 'key-mismatch', keyOnPlain: 'key-mismatch', notAKey: 'invalid-argument', rightKey: 'resolved' });
  });
});

describe('encrypted entries through the service worker', () => {
  const slices = 80; // 5 MiB: several 1 MiB chunks
  const seed = 43;
  const path = `/gen/${slices}-${seed}.nii`;
  const size = generatedVolumeBytes(slices);

  beforeAll(async () => {
    await page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const key = (window as unknown as { key: CryptoKey }).key;
      await lib.registerVolumeCacheServiceWorker({ name: 'enc-sw', match: { pathPrefixes: ['/gen/'] }, encryption: { key } });
      const cache = await lib.createVolumeCache({ name: 'enc-sw', encryption: { key } });
      await cache.get('/gen/80-43.nii');
      cache.close();
    });
  });

  const ranges: [string, number, number][] = [
    ['bytes=0-99', 0, 99],
    ['bytes=1048570-1048590', 1_048_570, 1_048_590],
    ['bytes=1000000-3200000', 1_000_000, 3_200_000],
    ['bytes=-100', size - 100, size - 1],
  ];
  for (const [header, start, end] of ranges) {
    it(`${header} decrypts only what it covers and equals the source slice`, async () => {
      const result = await page.evaluate(
        async ({ path, header }) => {
          const response = await fetch(path, { headers: { Range: header } });
          return { status: response.status, cache: response.headers.get('X-Volume-Cache'), contentRange: response.headers.get('Content-Range'), sha256: await window.sha256Hex(await response.arrayBuffer()) };
        },
        { path, header },
      );
      expect(result).toEqual({ status: 206, cache: 'hit', contentRange: `bytes ${start}-${end}/${size}`, sha256: await sliceSha256(slices, seed, start, end) });
    });
  }

  it('the whole response equals the source, and nothing reached the server', async () => {
    const result = await page.evaluate(async (path) => {
      const response = await fetch(path);
      return { status: response.status, cache: response.headers.get('X-Volume-Cache'), sha256: await window.sha256Hex(await response.arrayBuffer()) };
    }, path);
    expect(result).toEqual({ status: 200, cache: 'hit', sha256: await generatedVolumeSha256(slices, seed) });
    expect(await serverGets(path)).toHaveLength(0);
  });
});

async function firstBytes(slices: number, seed: number, count: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of generatedVolumeSource({ slices, seed, version: 1 }).chunks(0, count - 1)) parts.push(chunk);
  return Buffer.concat(parts);
}

async function sliceSha256(slices: number, seed: number, start: number, end: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of generatedVolumeSource({ slices, seed, version: 1 }).chunks(start, end)) hash.update(chunk);
  return hash.digest('hex');
}
