import { describe, expect, it } from 'vitest';
import type { EvictionCandidate } from '../../../src/metadata/selectEntriesToEvict';
import { selectEviction, type EvictionReason } from '../../../src/metadata/selectEviction';

function entry(key: string, bytes: number, lastAccessedAt: number, pinned = false): EvictionCandidate {
  return { key, sha256: `sha-${key}`, bytes, lastAccessedAt, pinned };
}

const fitOf = (bytes: number): EvictionReason => ({ kind: 'fit', incoming: { bytes } });
const oldToNew = [entry('newest', 10, 300), entry('oldest', 10, 100), entry('middle', 10, 200)];
const withPinned = [entry('pinned', 40, 50, true), entry('a', 10, 100), entry('b', 10, 200)];

describe('selectEviction', () => {
  it.each([
    // fit: only as many as needed, least recently used first.
    ['fit, room after one', oldToNew, 30, fitOf(10), { evictKeys: ['oldest'], refused: null }],
    ['fit, already room', oldToNew, 100, fitOf(10), { evictKeys: [], refused: null }],
    // fit that cannot be: nothing goes, and the caller learns why.
    ['fit, larger than the budget', oldToNew, 30, fitOf(31), { evictKeys: [], refused: 'larger-than-budget' }],
    ['fit, pinned leave no room', withPinned, 45, fitOf(10), { evictKeys: [], refused: 'no-room-beside-pinned' }],
    // budget: back under maxBytes, oldest first.
    ['budget, over by one entry', oldToNew, 20, { kind: 'budget' }, { evictKeys: ['oldest'], refused: null }],
    ['budget, under', oldToNew, 30, { kind: 'budget' }, { evictKeys: [], refused: null }],
    // budget with pinned entries alone over it: every unpinned entry goes.
    ['budget, pinned alone over', withPinned, 30, { kind: 'budget' }, { evictKeys: ['a', 'b'], refused: null }],
    // quota: the oldest unpinned entries whose files free what the download still needs, whatever the budget says.
    ['quota, one frees enough', oldToNew, 1_000, { kind: 'quota', neededBytes: 10 }, { evictKeys: ['oldest'], refused: null }],
    ['quota, two needed', oldToNew, 1_000, { kind: 'quota', neededBytes: 11 }, { evictKeys: ['oldest', 'middle'], refused: null }],
    ['quota, all of them', oldToNew, 1_000, { kind: 'quota', neededBytes: 30 }, { evictKeys: ['oldest', 'middle', 'newest'], refused: null }],
    ['quota, pinned stay', withPinned, 1_000, { kind: 'quota', neededBytes: 20 }, { evictKeys: ['a', 'b'], refused: null }],
    // quota that eviction cannot satisfy: nothing goes (the download fails with quota, the cache stays).
    ['quota, more than all could free', oldToNew, 1_000, { kind: 'quota', neededBytes: 31 }, { evictKeys: [], refused: null }],
    ['quota, more than the unpinned free', withPinned, 1_000, { kind: 'quota', neededBytes: 21 }, { evictKeys: [], refused: null }],
  ] as const)('%s', (_name, entries, maxBytes, reason, plan) => {
    expect(selectEviction(entries, maxBytes, reason)).toEqual(plan);
  });

  it('never names a pinned entry, for any reason', () => {
    for (const reason of [fitOf(10), { kind: 'budget' } as const, { kind: 'quota', neededBytes: 20 } as const]) {
      for (const maxBytes of [0, 10, 45, 1_000]) expect(selectEviction(withPinned, maxBytes, reason).evictKeys).not.toContain('pinned');
    }
  });

  it('counts a file two entries share once when freeing for quota', () => {
    const shared = [
      { key: 'a', sha256: 'same', bytes: 10, lastAccessedAt: 1, pinned: false },
      { key: 'b', sha256: 'same', bytes: 10, lastAccessedAt: 2, pinned: false },
      { key: 'c', sha256: 'other', bytes: 10, lastAccessedAt: 3, pinned: false },
    ];
    // Evicting a alone frees nothing (b still names the file); a and b free 10.
    expect(selectEviction(shared, 1_000, { kind: 'quota', neededBytes: 10 }).evictKeys).toEqual(['a', 'b']);
    expect(selectEviction(shared, 1_000, { kind: 'quota', neededBytes: 20 }).evictKeys).toEqual(['a', 'b', 'c']);
    expect(selectEviction(shared, 1_000, { kind: 'quota', neededBytes: 21 }).evictKeys).toEqual([]);
  });
});
