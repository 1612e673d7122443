import { describe, expect, it } from 'vitest';
import { storedSize } from '../../../src/encryption/chunkFormat';
import { sha256OfBytes } from '../../../src/engine/StreamingSha256';
import { fileFor, openStoredFile, readEntryFile } from '../../../src/engine/readStoredFile';
import { entry, useTestPartitions, rowKeys, storeEntries, storeFile, type TestPartition } from './support/partitionContext';

const openPartition = useTestPartitions();
async function partition(overrides: { verifyOnRead?: boolean } = {}): Promise<TestPartition> {
  const opened = await openPartition();
  if (overrides.verifyOnRead) Object.assign(opened, { context: { ...opened.context, verifyOnRead: true } });
  return opened;
}

/** What storeFile writes: `bytes` bytes of 7. */
const sevens = (bytes: number): Promise<string> => sha256OfBytes(new Uint8Array(bytes).fill(7));

describe('readEntryFile', () => {
  it('hands out a File over the stored bytes, named for them', async () => {
    const test = await partition();
    const stored = entry('k', 'file-k', 12, 100, { url: 'https://x.example/brain.nii.gz', nifti: { compressed: false } as never });
    await storeEntries(test.context, [stored]);
    const file = await readEntryFile(test.context, stored);
    expect(file?.size).toBe(12);
    expect(file?.name, 'the bytes are not gzip, so not .gz').toBe('brain.nii');
    expect(await rowKeys(test.context)).toEqual(['k']);
  });

  it.each([
    ['its file is missing while the row still names it', async (test: TestPartition) => void (await test.context.files.removeBlob('file-d'))],
    ['its file has the wrong length', async (test: TestPartition) => {
      await test.context.files.removeBlob('file-d');
      await storeFile(test.context, 'file-d', 11);
    }],
  ])('drops the entry and counts it corrupt when %s', async (_name, damage) => {
    const test = await partition();
    const stored = entry('d', 'file-d', 12, 100);
    await storeEntries(test.context, [stored]);
    await damage(test);
    expect(await readEntryFile(test.context, stored)).toBeNull();
    expect(await rowKeys(test.context)).toEqual([]);
    expect((await test.context.store.getTotals()).corrupt).toBe(1);
  });

  it('a file gone because its row was replaced meanwhile is a miss, not damage', async () => {
    const test = await partition();
    const before = entry('r', 'file-old', 12, 100);
    const after = entry('r', 'file-new', 12, 200);
    await storeEntries(test.context, [after]);
    // `before` was read from the row; the row now names another file, and the old one is gone.
    expect(await readEntryFile(test.context, before)).toBeNull();
    expect(await rowKeys(test.context)).toEqual(['r']);
    expect((await test.context.store.getTotals()).corrupt).toBe(0);
  });

  it('with verifyOnRead, a file whose hash is not the entry\'s is damage; a right one is handed out', async () => {
    const test = await partition({ verifyOnRead: true });
    const right = entry('right', await sevens(12), 12, 100);
    const wrong = entry('wrong', 'f'.repeat(64), 12, 100);
    await storeEntries(test.context, [right, wrong]);
    expect((await readEntryFile(test.context, right))?.size).toBe(12);
    expect(await readEntryFile(test.context, wrong)).toBeNull();
    expect(await rowKeys(test.context)).toEqual(['right']);
  });
});

describe('readEntryFile in an encrypted partition', () => {
  /** The partition with a key, its stored file for `key` read through `read` (a blob of the right stored size). */
  async function encryptedPartitionReading(read: () => Promise<ArrayBuffer>) {
    const test = await partition();
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const context = { ...test.context, encryptionKey: key };
    const unreadable = { size: storedSize(12), slice: () => ({ arrayBuffer: read }) } as unknown as File;
    context.files = Object.assign(Object.create(Object.getPrototypeOf(test.context.files)), test.context.files, { readBlob: async () => unreadable });
    const stored = entry('u', 'file-u', 12, 100);
    await storeEntries(context, [stored]);
    return { context, stored };
  }

  it('a stored file the browser cannot read (NotReadableError) is damage: the entry is dropped and counted, not kept to fail every read', async () => {
    const { context, stored } = await encryptedPartitionReading(() => Promise.reject(new DOMException('The file could not be read.', 'NotReadableError')));
    expect(await readEntryFile(context, stored)).toBeNull();
    expect(await rowKeys(context)).toEqual([]);
    expect((await context.store.getTotals()).corrupt).toBe(1);
  });

  it('any other failure is not the file\'s: it reaches the caller and the entry stays', async () => {
    const { context, stored } = await encryptedPartitionReading(() => Promise.reject(new TypeError('out of memory, say')));
    await expect(readEntryFile(context, stored)).rejects.toThrow(TypeError);
    expect(await rowKeys(context)).toEqual(['u']);
  });
});

describe('openStoredFile', () => {
  it('with reuseRecent, answers a second read from the file opened for the first, under its lease', async () => {
    const test = await partition();
    const stored = entry('s', 'file-s', 12, 100);
    await storeEntries(test.context, [stored]);
    const first = await openStoredFile(test.context, stored, { reuseRecent: true });
    // Damage after the first open goes unnoticed within the reuse window: the bound the option names.
    await test.context.files.removeBlob('file-s');
    const second = await openStoredFile(test.context, stored, { reuseRecent: true });
    expect(second).toBe(first);
    expect(await openStoredFile(test.context, stored)).toBeNull();
  });
});

describe('fileFor', () => {
  it.each([
    [{ compressed: true }, 'https://x.example/a.nii.gz', 'a.nii.gz'],
    [{ compressed: false }, 'https://x.example/a.nii.gz', 'a.nii'],
    [null, 'https://x.example/mask.bin', 'mask.bin'],
  ] as const)('names %j from %s as %s', (nifti, url, name) => {
    const file = fileFor({ url, contentType: 'application/octet-stream', createdAt: 5, nifti: nifti as never }, new Blob([new Uint8Array(3)]));
    expect(file.name).toBe(name);
    expect(file.lastModified).toBe(5);
  });
});
