import { describe, expect, it, vi } from 'vitest';
import type { SealedValue } from '../../../src/encryption/sealDerivedValue';
import { derivedId } from '../../../src/metadata/derivedId';
import type { DerivedRecord } from '../../../src/metadata/MetadataStore';
import { DerivedResults, type DerivedPut } from '../../../src/storage/DerivedResults';
import { failNextDerivedFileWrite, quotaExceeded } from '../engine/support/fullDisk';
import { useTestPartitions, type TestPartition } from '../engine/support/partitionContext';
import { rejection } from '../support/rejection';

const partition = useTestPartitions();

const DIGEST = 'c0'.repeat(32);
const OTHER_DIGEST = 'd1'.repeat(32);

function aesKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** The partition's derived results sealed with `key`, over the same rows and files. */
function encrypted(test: TestPartition, key: CryptoKey): DerivedResults {
  return new DerivedResults(test.context.store, test.context.files, key, () => test.clock.now);
}

function memo(id: string, value: unknown): DerivedPut {
  return { id, kind: 'memo', sources: [], ttlSeconds: null, data: null, value: { value } };
}

function withFile(id: string, kind: DerivedPut['kind'], bytes: number[], value: unknown = { described: true }): DerivedPut {
  return { id, kind, sources: [], ttlSeconds: null, data: new Uint8Array(bytes).buffer, value };
}

function derivedFiles(test: TestPartition): string[] {
  return test.storedFiles().filter((path) => path.startsWith('derived/'));
}

describe('DerivedResults', () => {
  describe('kinds are kept apart', () => {
    it('a read sees only the kind it asks for, and leaves the other kinds alone', async () => {
      const { context } = await partition();
      await context.derived.put(memo(derivedId('memo', DIGEST), 'the memo'));
      await context.derived.put(withFile(derivedId('decoded', DIGEST), 'decoded', [1, 2, 3, 4]));
      await context.derived.put(withFile(derivedId('thumbnail', DIGEST), 'thumbnail', [0x89, 0x50]));

      expect((await context.derived.get(derivedId('memo', DIGEST), 'memo'))?.value).toEqual({ value: 'the memo' });
      expect([...new Uint8Array((await context.derived.get(derivedId('decoded', DIGEST), 'decoded'))!.data!)]).toEqual([1, 2, 3, 4]);
      expect([...new Uint8Array((await context.derived.get(derivedId('thumbnail', DIGEST), 'thumbnail'))!.data!)]).toEqual([0x89, 0x50]);
      for (const [id, kind] of [
        [derivedId('memo', DIGEST), 'decoded'],
        [derivedId('memo', DIGEST), 'thumbnail'],
        [derivedId('decoded', DIGEST), 'memo'],
        [derivedId('thumbnail', DIGEST), 'memo'],
      ] as const) {
        expect(await context.derived.get(id, kind), `${id} read as ${kind}`).toBeNull();
      }
      expect((await context.store.allDerived()).map((record) => record.kind).sort()).toEqual(['decoded', 'memo', 'thumbnail']);
    });

    it('a decoded copy an earlier release kept under the bare digest is never read as a memo', async () => {
      const { context } = await partition();
      await context.derived.put(withFile(DIGEST, 'decoded', [5, 6]));
      expect(await context.derived.get(derivedId('memo', DIGEST), 'memo')).toBeNull();
    });

    it('sweep moves decoded copies and thumbnails kept under bare digests to their own ids, files and all; memos stay', async () => {
      const test = await partition();
      const { context } = test;
      // As an earlier release wrote them: the library's records under the bare digest, their files named after it.
      await context.derived.put({ ...withFile(DIGEST, 'decoded', [1, 2, 3], { dims: [3] }), sources: ['src'] });
      await context.derived.put({ ...withFile(OTHER_DIGEST, 'thumbnail', [0x89]), sources: ['src'] });
      await context.derived.put({ ...memo('e2'.repeat(32), 7), sources: ['src'] });

      await context.derived.sweep(new Set(['src']));

      const decoded = await context.derived.get(derivedId('decoded', DIGEST), 'decoded');
      expect(decoded?.value).toEqual({ dims: [3] });
      expect([...new Uint8Array(decoded!.data!)]).toEqual([1, 2, 3]);
      expect(decoded?.record).toMatchObject({ kind: 'decoded', sources: ['src'], file: DIGEST, bytes: 3 });
      expect(await context.derived.get(derivedId('thumbnail', OTHER_DIGEST), 'thumbnail')).not.toBeNull();
      expect((await context.derived.get('e2'.repeat(32), 'memo'))?.value).toEqual({ value: 7 });
      expect((await context.store.allDerived()).map((record) => record.id).sort()).toEqual(
        ['e2'.repeat(32), derivedId('decoded', DIGEST), derivedId('thumbnail', OTHER_DIGEST)].sort(),
      );
      expect(derivedFiles(test)).toEqual([`derived/${DIGEST}`, `derived/${OTHER_DIGEST}`].sort());
    });

    it('sweep drops a leftover whose own id is taken already, with its file, and keeps the newer record', async () => {
      const test = await partition();
      const { context } = test;
      await context.derived.put({ ...withFile(DIGEST, 'decoded', [1]), sources: ['src'] });
      await context.derived.put({ ...withFile(derivedId('decoded', DIGEST), 'decoded', [2, 2]), sources: ['src'] });

      await context.derived.sweep(new Set(['src']));

      expect((await context.store.allDerived()).map((record) => record.id)).toEqual([derivedId('decoded', DIGEST)]);
      expect([...new Uint8Array((await context.derived.get(derivedId('decoded', DIGEST), 'decoded'))!.data!)]).toEqual([2, 2]);
      expect(derivedFiles(test)).toEqual([`derived/${derivedId('decoded', DIGEST)}`]);
    });
  });

  describe('a write that fails leaves nothing and has a code', () => {
    it('a full disk while writing the file: quota, no file, no row', async () => {
      const test = await partition();
      failNextDerivedFileWrite(test.context);
      const error = await rejection(test.context.derived.put(withFile(derivedId('decoded', DIGEST), 'decoded', [1, 2, 3])));
      expect(error.code).toBe('quota');
      expect(error.cause).toBeInstanceOf(DOMException);
      expect(derivedFiles(test)).toEqual([]);
      expect(await test.context.store.allDerived()).toEqual([]);
      // And the next write, with room again, works.
      await test.context.derived.put(withFile(derivedId('decoded', DIGEST), 'decoded', [1, 2, 3]));
      expect(derivedFiles(test)).toEqual([`derived/${derivedId('decoded', DIGEST)}`]);
    });

    it('a full database after the file was written: quota, and neither the new file nor an older row of that id is left', async () => {
      const test = await partition();
      const id = derivedId('memo', DIGEST);
      await test.context.derived.put(withFile(id, 'memo', [9], { arrayType: 'Uint8Array' }));
      vi.spyOn(test.context.store, 'putDerived').mockRejectedValueOnce(quotaExceeded());
      const error = await rejection(test.context.derived.put(withFile(id, 'memo', [1, 2, 3, 4], { arrayType: 'Uint8Array' })));
      expect(error.code).toBe('quota');
      expect(derivedFiles(test)).toEqual([]);
      expect(await test.context.store.allDerived()).toEqual([]);
      expect(await test.context.derived.get(id, 'memo')).toBeNull();
    });

    it('a value IndexedDB cannot clone (a plain partition): invalid-argument, nothing stored', async () => {
      const test = await partition();
      const error = await rejection(test.context.derived.put(memo(derivedId('memo', DIGEST), { render: () => 1 })));
      expect(error.code).toBe('invalid-argument');
      expect(await test.context.store.allDerived()).toEqual([]);
    });

    it('a value nested too deep to clone (a plain partition): invalid-argument, not a RangeError, nothing stored', async () => {
      const test = await partition();
      let deep: Record<string, unknown> = {};
      for (let i = 0; i < 100_000; i++) deep = { next: deep };
      const error = await rejection(test.context.derived.put(withFile(derivedId('memo', DIGEST), 'memo', [1], deep)));
      expect(error.code).toBe('invalid-argument');
      expect(derivedFiles(test)).toEqual([]);
      expect(await test.context.store.allDerived()).toEqual([]);
    });

    it('a value the sealed encoding refuses (an encrypted partition): refused before any file is written', async () => {
      const test = await partition();
      const derived = encrypted(test, await aesKey());
      const error = await rejection(derived.put(withFile(derivedId('decoded', DIGEST), 'decoded', [1, 2], { header: Symbol('not storable') })));
      expect(error.code).toBe('invalid-argument');
      expect(derivedFiles(test)).toEqual([]);
      expect(await test.context.store.allDerived()).toEqual([]);
    });
  });

  describe('in an encrypted partition', () => {
    const value = {
      labels: new Map<number, string>([[1, 'white matter'], [2, 'grey matter']]),
      voxelsSeen: new Set([3, 5]),
      computedAt: new Date(1_700_000_000_000),
      noData: Number.NaN,
      max: Number.POSITIVE_INFINITY,
      min: Number.NEGATIVE_INFINITY,
      signedZero: -0,
      histogram: new Float32Array([0.5, 1.5]),
      count: 12_345_678_901_234_567_890n,
      nested: [{ map: new Map([['inner', new Set([new Uint16Array([7])])]]) }],
    };

    it('a memo value comes back as the structured clone a plain partition gives back', async () => {
      const test = await partition();
      const derived = encrypted(test, await aesKey());
      await derived.put(memo(derivedId('memo', DIGEST), value));
      await test.context.derived.put(memo(derivedId('memo', OTHER_DIGEST), value));

      const sealedBack = (await derived.get(derivedId('memo', DIGEST), 'memo'))!.value as { value: typeof value };
      const plainBack = (await test.context.derived.get(derivedId('memo', OTHER_DIGEST), 'memo'))!.value as { value: typeof value };
      expect(sealedBack).toStrictEqual(plainBack);
      expect(sealedBack.value).toStrictEqual(structuredClone(value));
      expect(Object.is(sealedBack.value.signedZero, -0)).toBe(true);
      // The row holds no readable value.
      const row = await test.context.store.getDerived(derivedId('memo', DIGEST));
      expect((row?.value as SealedValue).encoding).toBe('structured-1');
    });

    it('a decoded copy keeps its bytes and its header', async () => {
      const test = await partition();
      const derived = encrypted(test, await aesKey());
      const header = { dims: [2, 2], sclSlope: Number.NaN, description: 'free text' };
      await derived.put(withFile(derivedId('decoded', DIGEST), 'decoded', [1, 2, 3, 4], header));
      const back = await derived.get(derivedId('decoded', DIGEST), 'decoded');
      expect(back?.value).toStrictEqual(header);
      expect([...new Uint8Array(back!.data!)]).toEqual([1, 2, 3, 4]);
    });

    it('a value an earlier release sealed as JSON still reads', async () => {
      const test = await partition();
      const key = await aesKey();
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify({ value: { threshold: 0.4 } })));
      const record: DerivedRecord = {
        id: derivedId('memo', DIGEST),
        kind: 'memo',
        sources: [],
        bytes: 0,
        file: null,
        value: { iv, data },
        createdAt: test.clock.now,
        lastAccessedAt: test.clock.now,
        expiresAt: null,
      };
      await test.context.store.putDerived(record);
      expect((await encrypted(test, key).get(derivedId('memo', DIGEST), 'memo'))?.value).toEqual({ value: { threshold: 0.4 } });
    });

    it('a sealed value copied onto another row does not open there: the row is dropped as corrupt', async () => {
      const test = await partition();
      const derived = encrypted(test, await aesKey());
      await derived.put(memo(derivedId('memo', DIGEST), 'mine'));
      const row = (await test.context.store.getDerived(derivedId('memo', DIGEST)))!;
      await test.context.store.putDerived({ ...row, id: derivedId('memo', OTHER_DIGEST) });
      expect(await derived.get(derivedId('memo', OTHER_DIGEST), 'memo')).toBeNull();
      expect(await test.context.store.getDerived(derivedId('memo', OTHER_DIGEST))).toBeUndefined();
      expect((await derived.get(derivedId('memo', DIGEST), 'memo'))?.value).toEqual({ value: 'mine' });
    });
  });
});
