import { describe, expect, it } from 'vitest';
import { HitLog } from '../../../src/engine/HitLog';
import { UseClock } from '../../../src/engine/UseClock';
import { entry, useTestPartitions, storeEntries, type TestPartition } from './support/partitionContext';

const openPartition = useTestPartitions();

describe('HitLog', () => {
  it('answers at once with the new last access, and writes it and the totals before settled() resolves', async () => {
    const test = await openPartition();
    const stored = entry('k', 'file-k', 12, 100);
    await storeEntries(test.context, [stored]);
    const log = new HitLog(new UseClock(test.context.now), () => test.context, test.context.addTotals);
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
    const log = new HitLog(new UseClock(() => 7), () => null, async (delta) => void (counted += delta.hits ?? 0));
    const stored = entry('k', 'file-k', 12, 100);
    expect(await log.touch(stored)).toBe(stored);
    log.count(stored);
    await log.settled();
    expect(counted).toBe(1);
  });

  it('keeps the order of use when the clock is set back: a later hit is stamped later than every earlier one', async () => {
    const test = await openPartition();
    const a = entry('a', 'file-a', 1, 100);
    const b = entry('b', 'file-b', 1, 100);
    await storeEntries(test.context, [a, b]);
    const log = new HitLog(new UseClock(test.context.now), () => test.context, test.context.addTotals);
    test.clock.now = 2 * 86_400_000; // ran two days ahead
    const aheadStamp = log.count(a).lastAccessedAt;
    test.clock.now = 1_000; // put right
    const laterStamp = log.count(b).lastAccessedAt;
    expect(laterStamp).toBeGreaterThan(aheadStamp);
    await log.settled();
    // LRU (oldest first) now takes a, used first, not b, used last.
    const byAge = (await test.context.store.all()).sort((x, y) => x.lastAccessedAt - y.lastAccessedAt).map((row) => row.key);
    expect(byAge).toEqual(['a', 'b']);
  });
});
