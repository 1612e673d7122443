import { describe, expect, it } from 'vitest';
import { commitDownload } from '../../../src/engine/commitDownload';
import { entry, useTestPartitions, rowKeys, storeEntries, type TestPartition } from './support/partitionContext';

const openPartition = useTestPartitions();
const partition = (maxBytes = 1_000): Promise<TestPartition> => openPartition({ maxBytes });

/** A finished download of `bytes` bytes in a temporary file, as downloadVolume leaves it. */
async function downloaded(test: TestPartition, bytes: number) {
  const temporary = await test.context.files.createDownload();
  const sink = await temporary.openSink();
  await sink.write(new Uint8Array(bytes).fill(1), 0);
  await sink.close();
  return temporary;
}

describe('commitDownload', () => {
  it('moves the file into place, writes the row and tells the poster', async () => {
    const test = await partition();
    const temporary = await downloaded(test, 10);
    const incoming = entry('k', 'file-k', 10, 100);
    expect(await commitDownload(test.context, temporary, incoming, true)).toEqual(incoming);
    temporary.release();
    expect(await rowKeys(test.context)).toEqual(['k']);
    expect(test.storedFiles()).toEqual(['blobs/file-k']);
    expect(test.posts).toContainEqual({ type: 'entries', keys: ['k'] });
  });

  it.each([
    ['not to be kept (no-store, Authorization)', 1_000, false],
    ['larger than the budget', 5, true],
  ])('keeps nothing and evicts nothing for a file %s', async (_name, maxBytes, keep) => {
    const test = await partition(maxBytes);
    const resident = entry('old', 'file-old', 4, 50);
    await storeEntries(test.context, [resident]);
    const temporary = await downloaded(test, 10);
    expect(await commitDownload(test.context, temporary, entry('k', 'file-k', 10, 100), keep)).toBeNull();
    temporary.release();
    expect(await rowKeys(test.context)).toEqual(['old']);
    expect(test.storedFiles()).toEqual(['blobs/file-old']);
  });

  it('evicts the least recently used entry to make room', async () => {
    const test = await partition(25);
    await storeEntries(test.context, [entry('older', 'file-1', 10, 50), entry('newer', 'file-2', 10, 60)]);
    const temporary = await downloaded(test, 10);
    await commitDownload(test.context, temporary, entry('k', 'file-k', 10, 100), true);
    temporary.release();
    expect(await rowKeys(test.context)).toEqual(['k', 'newer']);
  });

  it("a new version of an entry removes the old version's file once nothing references it, and keeps one still shared", async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('k', 'v1', 10, 50), entry('twin', 'shared', 10, 50), entry('j', 'shared', 10, 50)]);
    const first = await downloaded(test, 10);
    await commitDownload(test.context, first, entry('k', 'v2', 10, 100), true);
    first.release();
    const second = await downloaded(test, 10);
    await commitDownload(test.context, second, entry('j', 'v3', 10, 100), true);
    second.release();
    test.context.leases.releaseAll();
    await test.context.removals.close();
    expect(test.storedFiles()).toEqual(['blobs/shared', 'blobs/v2', 'blobs/v3']);
  });
});
