import { describe, expect, it } from 'vitest';
import { memoKey } from '../../../src/derived/memoKey';
import { VolumeCacheError } from '../../../src/errors';
import { derivedId, migratedDerivedId, type DerivedKind } from '../../../src/metadata/derivedId';

const DIGEST = 'ab'.repeat(32);
const KINDS: DerivedKind[] = ['memo', 'decoded', 'thumbnail'];

describe('derivedId', () => {
  it.each<[DerivedKind, string]>([
    ['memo', DIGEST],
    ['decoded', `decoded-${DIGEST}`],
    ['thumbnail', `thumbnail-${DIGEST}`],
  ])('a %s result lives under %s', (kind, id) => {
    expect(derivedId(kind, DIGEST)).toBe(id);
  });

  it('gives each kind its own id for the same digest, so kinds can never meet', () => {
    expect(new Set(KINDS.map((kind) => derivedId(kind, DIGEST))).size).toBe(KINDS.length);
  });

  it('keeps the library apart from any memo() key: the library hashes its own key to a digest, and its id is not that digest', async () => {
    // What the page computes for memo('volume-cache:decoded', { source }, { version: 1 }) is exactly the library's digest...
    const digest = await memoKey('volume-cache:decoded', { source: 'f'.repeat(64) }, { version: 1 });
    // ...yet the memo and the decoded copy land on different rows.
    expect(derivedId('memo', digest)).not.toBe(derivedId('decoded', digest));
  });

  it.each([
    ['upper-case hex', 'AB'.repeat(32)],
    ['63 digits', 'a'.repeat(63)],
    ['65 digits', 'a'.repeat(65)],
    ['an id that already carries a kind', `decoded-${DIGEST}`],
    ['empty', ''],
    ['not a string', 42 as unknown as string],
  ])('refuses %s as a digest with invalid-argument (no memo can name another kind)', (_case, digest) => {
    for (const kind of KINDS) {
      let caught: unknown;
      try {
        derivedId(kind, digest);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(VolumeCacheError);
      expect((caught as VolumeCacheError).code).toBe('invalid-argument');
    }
  });
});

describe('migratedDerivedId', () => {
  it.each<[string, { id: string; kind: DerivedKind }, string | null]>([
    ['a decoded copy kept under the bare digest moves to its own id', { id: DIGEST, kind: 'decoded' }, `decoded-${DIGEST}`],
    ['a thumbnail kept under the bare digest moves to its own id', { id: DIGEST, kind: 'thumbnail' }, `thumbnail-${DIGEST}`],
    ['a memo under its digest is where it belongs', { id: DIGEST, kind: 'memo' }, null],
    ['a decoded copy under its own id stays', { id: `decoded-${DIGEST}`, kind: 'decoded' }, null],
    ['a row under another name is none of its business', { id: 'decoded-a', kind: 'decoded' }, null],
  ])('%s', (_case, record, expected) => {
    expect(migratedDerivedId(record)).toBe(expected);
  });
});
