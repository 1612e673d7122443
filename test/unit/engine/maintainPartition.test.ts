import { describe, expect, it } from 'vitest';
import { cleanupPartition, clearPartition, invalidateEntry, unpinEntry } from '../../../src/engine/maintainPartition';
import { derivedFile, entry, useTestPartitions, rowKeys, storeEntries, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

describe('maintainPartition', () => {
  it('unpinEntry unpins and announces; false for no entry', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('p', 'file-p', 4, 1, { pinned: true })]);
    expect(await unpinEntry(test.context, 'p')).toBe(true);
    expect((await test.context.store.get('p'))?.pinned).toBe(false);
    expect(test.posts).toContainEqual({ type: 'entries', keys: ['p'] });
    expect(await unpinEntry(test.context, 'none')).toBe(false);
  });

  it('invalidateEntry removes the entry and its file; false for no entry', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'file-a', 4, 1), entry('b', 'file-b', 4, 1)]);
    expect(await invalidateEntry(test.context, 'a')).toBe(true);
    expect(await invalidateEntry(test.context, 'a')).toBe(false);
    expect(await rowKeys(test.context)).toEqual(['b']);
    expect(test.storedFiles()).toEqual(['blobs/file-b']);
  });

  it('clearPartition removes every entry, pinned too, and every derived result, and says so', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'file-a', 4, 1, { pinned: true }), entry('b', 'file-b', 4, 1)]);
    await test.context.derived.put(derivedFile('decoded-a', ['file-a'], 8));
    let forgotten = 0;
    await clearPartition(test.context, () => forgotten++);
    expect(await rowKeys(test.context)).toEqual([]);
    expect(test.storedFiles()).toEqual([]);
    expect(forgotten).toBe(1);
    expect(test.posts).toContainEqual({ type: 'cleared' });
  });

  it('cleanupPartition removes expired unpinned entries, evicts to the budget and reports both', async () => {
    const test = await partition({ maxBytes: 10 });
    const now = test.clock.now;
    await storeEntries(test.context, [
      entry('expired', 'file-e', 4, 1, { expiresAt: now - 1 }),
      entry('expired-pinned', 'file-p', 4, 1, { expiresAt: now - 1, pinned: true }),
      entry('old', 'file-o', 4, 2),
      entry('new', 'file-n', 4, 3),
    ]);
    const report = await cleanupPartition(test.context);
    // 'expired' goes as expired; then 4 + 4 + 4 is over 10, and 'old' is the least recently used unpinned.
    expect(report).toMatchObject({ expired: 1, evicted: 1 });
    expect(await rowKeys(test.context)).toEqual(['expired-pinned', 'new']);
  });
});
