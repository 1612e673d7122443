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
    // quota: every unpinned entry, whatever the budget says.
    ['quota', oldToNew, 1_000, { kind: 'quota' }, { evictKeys: ['oldest', 'middle', 'newest'], refused: null }],
    ['quota, pinned stay', withPinned, 1_000, { kind: 'quota' }, { evictKeys: ['a', 'b'], refused: null }],
  ] as const)('%s', (_name, entries, maxBytes, reason, plan) => {
    expect(selectEviction(entries, maxBytes, reason)).toEqual(plan);
  });

  it('never names a pinned entry, for any reason', () => {
    for (const reason of [fitOf(10), { kind: 'budget' } as const, { kind: 'quota' } as const]) {
      for (const maxBytes of [0, 10, 45, 1_000]) expect(selectEviction(withPinned, maxBytes, reason).evictKeys).not.toContain('pinned');
    }
  });
});
