import { describe, expect, it } from 'vitest';
import { dropEntries, type DropOptions } from '../../../src/engine/dropEntries';
import type { MetadataStore } from '../../../src/metadata/MetadataStore';
import { derivedFile, entry, useTestPartitions, rowKeys, storeEntries, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

// a and b share one file; c has its own.
const a = entry('a', 'shared', 10, 100);
const b = entry('b', 'shared', 10, 200);
const c = entry('c', 'own', 20, 300);

describe('dropEntries', () => {
  it('removes the rows before their files', async () => {
    const test = await partition();
    await storeEntries(test.context, [c]);
    test.events.length = 0;
    const store = test.context.store;
    // The same store, telling the disk's event log when rows are deleted.
    const logged: MetadataStore = Object.assign(Object.create(store) as MetadataStore, {
      delete: async (keys: readonly string[]) => {
        test.events.push(`delete rows ${keys.join(',')}`);
        return store.delete(keys);
      },
    });
    await dropEntries({ ...test.context, store: logged }, ['c']);
    expect(test.events).toEqual(['delete rows c', `remove volume-cache/${test.context.name}/blobs/own`]);
  });

  it('keeps a file shared by two entries until its last row goes', async () => {
    const test = await partition();
    await storeEntries(test.context, [a, b, c]);
    await dropEntries(test.context, ['a']);
    expect(await rowKeys(test.context)).toEqual(['b', 'c']);
    expect(test.storedFiles()).toEqual(['blobs/own', 'blobs/shared']);
    await dropEntries(test.context, ['b']);
    expect(await rowKeys(test.context)).toEqual(['c']);
    expect(test.storedFiles()).toEqual(['blobs/own']);
  });

  it('removeFilesEvenIfShared takes the file and every row that shares it', async () => {
    const test = await partition();
    await storeEntries(test.context, [a, b, c]);
    await dropEntries(test.context, ['a'], { removeFilesEvenIfShared: true });
    expect(await rowKeys(test.context)).toEqual(['c']);
    expect(test.storedFiles()).toEqual(['blobs/own']);
  });

  it.each<[string, DropOptions, string[]]>([
    // A file someone reads waits for its lease to end...
    ['by default', {}, ['blobs/own']],
    // ...unless space is needed now, or the file is damaged (it would be handed out or reused).
    ['evenIfRead', { evenIfRead: true }, []],
    ['removeFilesEvenIfShared', { removeFilesEvenIfShared: true }, []],
  ])('a leased file, %s', async (_name, options, filesLeft) => {
    const test = await partition();
    await storeEntries(test.context, [c]);
    await test.context.leases.hold('own');
    await dropEntries(test.context, ['c'], options);
    expect(await rowKeys(test.context)).toEqual([]);
    expect(test.storedFiles()).toEqual(filesLeft);
    expect(test.context.removals.isWaiting('own')).toBe(filesLeft.length > 0);
  });

  it('what was derived from a dropped file goes with it, and only then', async () => {
    const test = await partition();
    await storeEntries(test.context, [a, b, c]);
    await test.context.derived.put(derivedFile('decoded-shared', ['shared'], 5));
    await test.context.derived.put(derivedFile('decoded-own', ['own'], 5));
    await test.context.derived.put({ ...derivedFile('memo-both', ['own', 'shared'], 0), data: null, kind: 'memo', value: 1 });
    await dropEntries(test.context, ['a']); // the shared file stays, so does what derives from it
    expect((await test.context.store.allDerived()).map((record) => record.id).sort()).toEqual(['decoded-own', 'decoded-shared', 'memo-both']);
    await dropEntries(test.context, ['b']);
    expect((await test.context.store.allDerived()).map((record) => record.id)).toEqual(['decoded-own']);
    expect(test.storedFiles()).toEqual(['blobs/own', 'derived/decoded-own']);
  });

  it('tells the change poster the keys it was given, and nothing for none', async () => {
    const test = await partition();
    await storeEntries(test.context, [a, c]);
    await dropEntries(test.context, []);
    expect(test.posts).toEqual([]);
    await dropEntries(test.context, ['a', 'c']);
    expect(test.posts).toEqual([{ type: 'entries', keys: ['a', 'c'] }]);
  });

  it('with removeFilesEvenIfShared, also tells the poster the rows that went because they shared the file', async () => {
    const test = await partition();
    await storeEntries(test.context, [a, b, c]);
    await dropEntries(test.context, ['a'], { removeFilesEvenIfShared: true });
    expect(test.posts).toEqual([{ type: 'entries', keys: ['a', 'b'] }]);
  });
});
