import { beforeAll, describe, expect, it } from 'vitest';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { sample } from '../browser/support/manifest';
import { serverGets, useFirefoxSuite } from './support/harness';

const suite = useFirefoxSuite({ page: true });

beforeAll(async () => {
  // One non-extractable key for the whole file, kept on the page as an application would keep its session key.
  await suite.page.evaluate(async () => {
    (window as unknown as { key: CryptoKey }).key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
  });
});

/** cache.get on an encrypted partition: status, size and SHA-256 of the File read back. */
function encryptedGet(partition: string, path: string) {
  return suite.page.evaluate(
    async (partition: string, path: string) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const cache = await lib.createVolumeCache({ name: partition, encryption: { key: (window as unknown as { key: CryptoKey }).key } });
      try {
        const { status, file, entry } = await cache.get(path);
        return { status, size: file.size, sha256: await window.sha256Hex(file), entrySha256: entry?.sha256 ?? null };
      } finally {
        cache.close();
      }
    },
    partition,
    path,
  );
}

/** How many stored files the partition has, and how many times `needle` occurs in them. */
function scanBlobs(partition: string, needle: number[]) {
  return suite.page.evaluate(
    async (partition: string, needle: number[]) => {
      const root = await navigator.storage.getDirectory();
      const blobs = await (await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition)).getDirectoryHandle('blobs');
      let files = 0;
      let found = 0;
      for await (const handle of blobs.values()) {
        files++;
        const bytes = new Uint8Array(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer());
        outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
          for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
          found++;
        }
      }
      return { files, found };
    },
    partition,
    needle,
  );
}

describe('encryption at rest in Firefox', () => {
  it('functional.nii: miss then hit with the source bytes, and no plaintext header on disk', async () => {
    const facts = sample('functional.nii');
    const path = '/data/nifti/functional.nii';
    expect(await encryptedGet('ff-enc', path)).toEqual({ status: 'miss', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 });
    expect(await encryptedGet('ff-enc', path)).toEqual({ status: 'hit', size: facts.bytes, sha256: facts.sha256, entrySha256: facts.sha256 });
    // The NIfTI-1 magic "n+1\0" and four zero bytes after it.
    expect(await scanBlobs('ff-enc', [0x6e, 0x2b, 0x31, 0x00, 0x00, 0x00, 0x00, 0x00])).toEqual({ files: 1, found: 0 });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('a generated 5 MB volume (several encrypted chunks) round-trips', async () => {
    const slices = 80;
    const path = `/gen/${slices}-61.nii`;
    const expected = { size: generatedVolumeBytes(slices), sha256: await generatedVolumeSha256(slices, 61) };
    expect(await encryptedGet('ff-enc-gen', path)).toMatchObject({ status: 'miss', ...expected });
    expect(await encryptedGet('ff-enc-gen', path)).toMatchObject({ status: 'hit', ...expected });
    expect(await serverGets(path)).toHaveLength(1);
  });

  it('opening an encrypted partition with another key or without one fails with key-mismatch', async () => {
    const codes = await suite.page.evaluate(async () => {
      const lib = window.volumeCache as typeof import('../../src/index');
      const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      const code = async (run: () => Promise<unknown>) => {
        try {
          await run();
          return 'resolved';
        } catch (error) {
          return (error as { code?: string }).code ?? String(error);
        }
      };
      return {
        otherKey: await code(() => lib.createVolumeCache({ name: 'ff-enc', encryption: { key: other } })),
        noKey: await code(() => lib.createVolumeCache({ name: 'ff-enc' })),
      };
    });
    expect(codes).toEqual({ otherKey: 'key-mismatch', noKey: 'key-mismatch' });
  });
});
