import { describe, expect, it } from 'vitest';
import type { PartitionContext } from '../../../src/engine/PartitionContext';
import { sweepOrphans } from '../../../src/engine/sweepOrphans';
import { derivedFile, entry, useTestPartitions, storeEntries, storeFile, type TestPartition } from './support/partitionContext';

const LEASE_MS = 60_000;
const openPartition = useTestPartitions();
const partition = (): Promise<TestPartition> => openPartition({ fileLeaseMs: LEASE_MS });

/** A finished download kept uncached (its File handed out), written at the clock's time now. */
async function keepUncached(context: PartitionContext): Promise<void> {
  const temporary = await context.files.createDownload();
  const sink = await temporary.openSink();
  await sink.write(new Uint8Array(4), 0);
  await sink.close();
  await context.files.keepUncached(temporary);
  temporary.release();
}

function temporaries(test: TestPartition): number {
  return test.disk.list().filter((path) => path.includes('/tmp/')).length;
}

describe('sweepOrphans', () => {
  it.each([
    // An uncached result is kept for its readers for a file lease, then goes.
    ['keeps an uncached result within a lease', LEASE_MS, { temporaries: 0, orphanFiles: 0 }, 1],
    ['removes an uncached result older than a lease', LEASE_MS + 1, { temporaries: 1, orphanFiles: 0 }, 0],
  ])('%s', async (_name, laterMs, report, left) => {
    const test = await partition();
    await keepUncached(test.context);
    test.clock.now += laterMs;
    expect(await sweepOrphans(test.context)).toEqual(report);
    expect(temporaries(test)).toBe(left);
  });

  it('removes a download nothing writes any more, and leaves one still being written', async () => {
    const test = await partition();
    // Its tab was killed mid-download: never committed, and its lock went with the tab.
    const abandoned = await test.context.files.createDownload();
    await (await abandoned.openSink()).close();
    abandoned.release();
    const active = await test.context.files.createDownload();
    const sink = await active.openSink();
    await sink.write(new Uint8Array(4), 0);
    // Left for its lock, held by the download still running.
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 1, orphanFiles: 0 });
    expect(temporaries(test)).toBe(1);
    await sink.close();
    await test.context.files.commit(active, 'after');
    expect(test.storedFiles()).toEqual(['blobs/after']);
  });

  it('removes stored files no row references, keeps referenced ones, and counts them', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'kept', 10, 100), entry('b', 'kept', 10, 200)]);
    await storeFile(test.context, 'orphan-1', 5);
    await storeFile(test.context, 'orphan-2', 5);
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 0, orphanFiles: 2 });
    expect(test.storedFiles()).toEqual(['blobs/kept']);
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 0, orphanFiles: 0 });
  });

  it('leaves a leased orphan for its reader and does not count it until it goes', async () => {
    const test = await partition();
    await storeFile(test.context, 'read', 5);
    await test.context.leases.hold('read');
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 0, orphanFiles: 0 });
    expect(test.storedFiles()).toEqual(['blobs/read']);
    expect(test.context.removals.isWaiting('read')).toBe(true);
    test.context.leases.releaseAll();
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 0, orphanFiles: 1 });
    expect(test.storedFiles()).toEqual([]);
  });

  it('removes derived results whose source is gone and derived files without a row, and counts them', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'kept', 10, 100)]);
    await test.context.derived.put(derivedFile('of-kept', ['kept'], 3));
    await test.context.derived.put(derivedFile('of-gone', ['gone'], 3));
    await test.context.derived.put(derivedFile('row-lost', ['kept'], 3));
    await test.context.store.deleteDerived({ ids: ['row-lost'] }); // a crash between row and file
    expect(await sweepOrphans(test.context)).toEqual({ temporaries: 0, orphanFiles: 2 });
    expect(test.storedFiles()).toEqual(['blobs/kept', 'derived/of-kept']);
    expect((await test.context.store.allDerived()).map((record) => record.id)).toEqual(['of-kept']);
  });

  it('runs under the commit lock', async () => {
    const test = await partition();
    await storeFile(test.context, 'orphan', 5);
    const steps: string[] = [];
    const context: PartitionContext = {
      ...test.context,
      withCommitLock: async (task) => {
        steps.push('lock');
        const result = await task();
        steps.push(`unlock with ${test.storedFiles().length} files`);
        return result;
      },
    };
    await sweepOrphans(context);
    expect(steps).toEqual(['lock', 'unlock with 0 files']);
  });
});
