import { describe, expect, it } from 'vitest';
import { keepDerived } from '../../../src/engine/keepDerived';
import { derivedFile, entry, rowKeys, storeEntries, useTestPartitions } from './support/partitionContext';

const openPartition = useTestPartitions();

// Ten bytes each, oldest first; `source` is the oldest, so plain LRU would take it first.
const source = entry('source', 'sha-source', 10, 50);
const older = entry('older', 'sha-older', 10, 100);
const newer = entry('newer', 'sha-newer', 10, 200);
const pinned = entry('pinned', 'sha-pinned', 10, 10, { pinned: true });

async function partition(maxBytes: number, entries = [source, older, newer]) {
  const test = await openPartition({ maxBytes });
  await storeEntries(test.context, entries);
  return test;
}

const derivedIds = async (test: Awaited<ReturnType<typeof partition>>) => (await test.context.store.allDerived()).map((record) => record.id).sort();

describe('keepDerived', () => {
  it('stores a result that fits, evicting the least recently used entries but never its source', async () => {
    const test = await partition(40);
    expect(await keepDerived(test.context, derivedFile('decoded-1', ['sha-source'], 15))).toBe(true);
    expect(await rowKeys(test.context)).toEqual(['newer', 'source']);
    expect(await derivedIds(test)).toEqual(['decoded-1']);
    expect((await test.context.store.getTotals()).evictions).toBe(1);
  });

  it('stores nothing and evicts nothing for a result larger than the budget (a .nii.gz that inflates past maxBytes)', async () => {
    const test = await partition(40);
    expect(await keepDerived(test.context, derivedFile('decoded-1', ['sha-source'], 41))).toBe(false);
    expect(await rowKeys(test.context)).toEqual(['newer', 'older', 'source']);
    expect(await derivedIds(test)).toEqual([]);
    expect(test.storedFiles().filter((path) => path.startsWith('derived/'))).toEqual([]);
  });

  it('stores nothing and evicts nothing when even evicting every other entry would not make room', async () => {
    // 10 (source) + 10 (pinned) + 25 > 40 whatever else goes.
    const test = await partition(40, [source, pinned, older, newer]);
    expect(await keepDerived(test.context, derivedFile('memo-1', ['sha-source'], 25, 'memo'))).toBe(false);
    expect(await rowKeys(test.context)).toEqual(['newer', 'older', 'pinned', 'source']);
  });

  it('stores nothing when its source left the cache meanwhile', async () => {
    const test = await partition(1_000);
    expect(await keepDerived(test.context, derivedFile('decoded-1', ['sha-gone'], 5))).toBe(false);
    expect(await derivedIds(test)).toEqual([]);
  });

  it('after refusing one, keeps caching: the next result that fits is stored', async () => {
    const test = await partition(40);
    expect(await keepDerived(test.context, derivedFile('too-big', ['sha-source'], 100, 'memo'))).toBe(false);
    expect(await keepDerived(test.context, derivedFile('fits', ['sha-source'], 5, 'memo'))).toBe(true);
    expect(await derivedIds(test)).toEqual(['fits']);
    expect(await rowKeys(test.context)).toEqual(['newer', 'older', 'source']);
  });

  it('needs no room for a thumbnail, which the budget does not count', async () => {
    const test = await partition(30);
    expect(await keepDerived(test.context, derivedFile('thumb', ['sha-source'], 20, 'thumbnail'))).toBe(true);
    expect(await rowKeys(test.context)).toEqual(['newer', 'older', 'source']);
  });
});
