import { describe, expect, it } from 'vitest';
import { readMemo, uncachedKeys, writeMemo } from '../../../src/engine/memoResults';
import { VolumeCacheError } from '../../../src/errors';
import { entry, useTestPartitions, storeEntries, type TestPartition } from './support/partitionContext';

const partition = useTestPartitions();

describe('memo results', () => {
  it('keeps a structured value and bytes with their array type, and reads them back', async () => {
    const test = await partition();
    await writeMemo(test.context, 'value', { kind: 'value', value: { threshold: 0.4 } }, { sourceKeys: [] });
    await writeMemo(test.context, 'bytes', { kind: 'binary', arrayType: 'Float32Array', data: new Float32Array([1, 2]).buffer }, { sourceKeys: [] });
    expect(await readMemo(test.context, 'value')).toEqual({ kind: 'value', value: { threshold: 0.4 } });
    const bytes = await readMemo(test.context, 'bytes');
    expect(bytes).toMatchObject({ kind: 'binary', arrayType: 'Float32Array' });
    expect([...new Float32Array((bytes as { data: ArrayBuffer }).data)]).toEqual([1, 2]);
    expect(await readMemo(test.context, 'none')).toBeNull();
  });

  it('refuses a source that is not cached, keeping nothing', async () => {
    const test = await partition();
    const refused = await writeMemo(test.context, 'm', { kind: 'value', value: 1 }, { sourceKeys: ['missing'] }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(VolumeCacheError);
    expect((refused as VolumeCacheError).code).toBe('invalid-argument');
    expect(await readMemo(test.context, 'm')).toBeNull();
  });

  it('a result tied to a source that fits beside it evicts nothing, and goes when its source goes', async () => {
    const test = await partition({ maxBytes: 100 });
    await storeEntries(test.context, [entry('volume', 'file-v', 40, 1)]);
    await writeMemo(test.context, 'm', { kind: 'binary', arrayType: 'ArrayBuffer', data: new ArrayBuffer(30) }, { sourceKeys: ['volume'] });
    expect(await test.context.store.get('volume')).toBeDefined();
    expect((await test.context.derived.bytesBySource()).total).toBe(30);
    await test.context.derived.dropForSources(['file-v']);
    expect(await readMemo(test.context, 'm')).toBeNull();
  });

  it('uncachedKeys names the keys without an entry', async () => {
    const test = await partition();
    await storeEntries(test.context, [entry('a', 'file-a', 4, 1)]);
    expect(await uncachedKeys(test.context, ['a', 'b', 'c'])).toEqual(['b', 'c']);
  });
});
