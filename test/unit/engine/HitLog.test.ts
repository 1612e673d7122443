import { describe, expect, it } from 'vitest';
import { HitLog } from '../../../src/engine/HitLog';
import { entry, useTestPartitions, storeEntries, type TestPartition } from './support/partitionContext';

const openPartition = useTestPartitions();

describe('HitLog', () => {
  it('answers at once with the new last access, and writes it and the totals before settled() resolves', async () => {
    const test = await openPartition();
    const stored = entry('k', 'file-k', 12, 100);
    await storeEntries(test.context, [stored]);
    const log = new HitLog(test.context.now, () => test.context, test.context.addTotals);
    test.clock.now = 5_000;
    expect(log.count(stored).lastAccessedAt).toBe(5_000);
    test.clock.now = 6_000;
    log.count(stored);
    await log.settled();
    expect((await test.context.store.get('k'))?.lastAccessedAt).toBe(6_000);
    expect(await test.context.store.getTotals()).toMatchObject({ hits: 2, bytesFromCache: 24 });
  });

  it('without a partition (network-only, or closed) touches nothing and still counts', async () => {
    let counted = 0;
    const log = new HitLog(() => 7, () => null, async (delta) => void (counted += delta.hits ?? 0));
    const stored = entry('k', 'file-k', 12, 100);
    expect(await log.touch(stored)).toBe(stored);
    log.count(stored);
    await log.settled();
    expect(counted).toBe(1);
  });
});
