import { describe, expect, it, vi } from 'vitest';
import { memoKey } from '../../../src/derived/memoKey';
import { readMemo, uncachedKeys, writeMemo } from '../../../src/engine/memoResults';
import { derivedId } from '../../../src/metadata/derivedId';
import { rejection } from '../support/rejection';
import { failNextDerivedFileWrite, quotaExceeded } from './support/fullDisk';
import { entry, useTestPartitions, storeEntries, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

/** Digests as the page's memoKey() makes them: the engine takes nothing else as a memo's id. */
const VALUE = 'a1'.repeat(32);
const BYTES = 'b2'.repeat(32);
const M = 'c3'.repeat(32);

describe('memo results', () => {
  it('keeps a structured value and bytes with their array type, and reads them back', async () => {
    const test = await partition();
    await writeMemo(test.context, VALUE, { kind: 'value', value: { threshold: 0.4 } }, { sourceKeys: [] });
    await writeMemo(test.context, BYTES, { kind: 'binary', arrayType: 'Float32Array', data: new Float32Array([1, 2]).buffer }, { sourceKeys: [] });
    expect(await readMemo(test.context, VALUE)).toEqual({ kind: 'value', value: { threshold: 0.4 } });
    const bytes = await readMemo(test.context, BYTES);
    expect(bytes).toMatchObject({ kind: 'binary', arrayType: 'Float32Array' });
    expect([...new Float32Array((bytes as { data: ArrayBuffer }).data)]).toEqual([1, 2]);
    expect(await readMemo(test.context, M)).toBeNull();
  });

  it('refuses a source that is not cached, keeping nothing', async () => {
    const test = await partition();
    const refused = await rejection(writeMemo(test.context, M, { kind: 'value', value: 1 }, { sourceKeys: ['missing'] }));
    expect(refused.code).toBe('invalid-argument');
    expect(await readMemo(test.context, M)).toBeNull();
  });

  it('a result tied to a source that fits beside it evicts nothing, and goes when its source goes', async () => {
    const test = await partition({ maxBytes: 100 });
    await storeEntries(test.context, [entry('volume', 'file-v', 40, 1)]);
    await writeMemo(test.context, M, { kind: 'binary', arrayType: 'ArrayBuffer', data: new ArrayBuffer(30) }, { sourceKeys: ['volume'] });
    expect(await test.context.store.get('volume')).toBeDefined();
    expect((await test.context.derived.bytesBySource()).total).toBe(30);
    await test.context.derived.dropForSources(['file-v']);
    expect(await readMemo(test.context, M)).toBeNull();
  });

  it('refuses an id that is not a memoKey() digest, so no memo can reach a decoded copy or a thumbnail', async () => {
    const test = await partition();
    const library = derivedId('decoded', VALUE);
    await test.context.derived.put({ id: library, kind: 'decoded', sources: [], ttlSeconds: null, data: new ArrayBuffer(8), value: { dims: [8] } });
    expect((await rejection(readMemo(test.context, library))).code).toBe('invalid-argument');
    expect((await rejection(writeMemo(test.context, library, { kind: 'value', value: 'forged' }, { sourceKeys: [] }))).code).toBe('invalid-argument');
    expect((await test.context.derived.get(library, 'decoded'))?.value).toEqual({ dims: [8] });
  });

  it("a memo whose key and inputs hash to the library's own digest is neither read as nor overwrites the library's records", async () => {
    const test = await partition();
    const sha256 = 'e'.repeat(64);
    const digest = await memoKey('volume-cache:decoded', { source: sha256 }, { version: 1 });
    const voxels = new Uint8Array([1, 2, 3, 4]).buffer;
    await test.context.derived.put({ id: derivedId('decoded', digest), kind: 'decoded', sources: [], ttlSeconds: null, data: voxels, value: { dims: [4] } });
    // Reading first: the decoded copy is not the memo's.
    expect(await readMemo(test.context, digest)).toBeNull();
    // Writing: the memo goes to its own row, and the decoded copy keeps its bytes.
    await writeMemo(test.context, digest, { kind: 'binary', arrayType: 'Uint8Array', data: new Uint8Array([9, 9]).buffer }, { sourceKeys: [] });
    const decoded = await test.context.derived.get(derivedId('decoded', digest), 'decoded');
    expect([...new Uint8Array(decoded!.data!)]).toEqual([1, 2, 3, 4]);
    const memo = await readMemo(test.context, digest);
    expect([...new Uint8Array((memo as { data: ArrayBuffer }).data)]).toEqual([9, 9]);
  });

  it('a result that meets the quota fails with quota and leaves nothing: bytes (their file) or a value (its row)', async () => {
    const test = await partition();
    failNextDerivedFileWrite(test.context);
    const bytes = await rejection(writeMemo(test.context, BYTES, { kind: 'binary', arrayType: 'ArrayBuffer', data: new ArrayBuffer(16) }, { sourceKeys: [] }));
    expect(bytes.code).toBe('quota');
    vi.spyOn(test.context.store, 'putDerived').mockRejectedValueOnce(quotaExceeded());
    const value = await rejection(writeMemo(test.context, VALUE, { kind: 'value', value: { big: 'result' } }, { sourceKeys: [] }));
    expect(value.code).toBe('quota');
    expect(test.storedFiles()).toEqual([]);
    expect(await test.context.store.allDerived()).toEqual([]);
    expect(await readMemo(test.context, BYTES)).toBeNull();
    expect(await readMemo(test.context, VALUE)).toBeNull();
  });

  it('uncachedKeys names the keys without an entry', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'file-a', 4, 1)]);
    expect(await uncachedKeys(test.context, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });
});
