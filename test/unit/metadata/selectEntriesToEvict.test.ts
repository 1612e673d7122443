import { describe, it, expect } from 'vitest';
import { selectEntriesToEvict, type EvictionCandidate, type IncomingFile } from '../../../src/metadata/selectEntriesToEvict';
import { countStoredBytes } from '../../../src/metadata/countStoredBytes';
import { createRandom, randomInt } from '../support/random';

function entry(key: string, bytes: number, lastAccessedAt: number, extra: Partial<EvictionCandidate> = {}): EvictionCandidate {
  return { key, sha256: `sha-${key}`, bytes, lastAccessedAt, pinned: false, ...extra };
}

describe('selectEntriesToEvict', () => {
  it('evicts nothing when everything already fits', () => {
    const entries = [entry('a', 10, 1), entry('b', 10, 2)];
    expect(selectEntriesToEvict(entries, 100, { bytes: 50 })).toEqual({ fits: true, evictKeys: [] });
  });

  it('evicts least recently used first, only as many as needed', () => {
    const entries = [entry('newest', 10, 300), entry('oldest', 10, 100), entry('middle', 10, 200)];
    expect(selectEntriesToEvict(entries, 30, { bytes: 10 })).toEqual({ fits: true, evictKeys: ['oldest'] });
    expect(selectEntriesToEvict(entries, 30, { bytes: 20 })).toEqual({ fits: true, evictKeys: ['oldest', 'middle'] });
    expect(selectEntriesToEvict(entries, 30, { bytes: 30 })).toEqual({ fits: true, evictKeys: ['oldest', 'middle', 'newest'] });
  });

  it('breaks lastAccessedAt ties by key', () => {
    const entries = [entry('c', 10, 5), entry('a', 10, 5), entry('b', 10, 5), entry('z-older', 10, 4)];
    expect(selectEntriesToEvict(entries, 40, { bytes: 30 })).toEqual({ fits: true, evictKeys: ['z-older', 'a', 'b'] });
  });

  it('does not reorder or mutate the input', () => {
    const entries = [entry('b', 10, 2), entry('a', 10, 1)];
    const snapshot = structuredClone(entries);
    selectEntriesToEvict(entries, 10, { bytes: 10 });
    expect(entries).toEqual(snapshot);
  });

  it('never evicts pinned entries, even the oldest', () => {
    const entries = [entry('pinned-old', 10, 1, { pinned: true }), entry('a', 10, 2), entry('b', 10, 3)];
    expect(selectEntriesToEvict(entries, 30, { bytes: 10 })).toEqual({ fits: true, evictKeys: ['a'] });
  });

  it('with no incoming file, evicts until back under budget (cleanup)', () => {
    const entries = [entry('a', 10, 1), entry('b', 10, 2), entry('c', 10, 3)];
    expect(selectEntriesToEvict(entries, 15)).toEqual({ fits: true, evictKeys: ['a', 'b'] });
    expect(selectEntriesToEvict(entries, 30)).toEqual({ fits: true, evictKeys: [] });
  });

  describe('shared files (two keys, one SHA-256)', () => {
    it('counts a shared file once toward the budget', () => {
      const entries = [entry('x1', 10, 1, { sha256: 'S' }), entry('x2', 10, 2, { sha256: 'S' })];
      expect(countStoredBytes(entries)).toBe(10);
      // 10 stored + 10 incoming fits 20 only because the shared file counts once.
      expect(selectEntriesToEvict(entries, 20, { bytes: 10 })).toEqual({ fits: true, evictKeys: [] });
    });

    it('evicting one of two sharing entries frees nothing, so the second goes too', () => {
      const entries = [entry('x1', 10, 1, { sha256: 'S' }), entry('x2', 10, 2, { sha256: 'S' }), entry('y', 10, 3)];
      expect(selectEntriesToEvict(entries, 20, { bytes: 10 })).toEqual({ fits: true, evictKeys: ['x1', 'x2'] });
    });

    it('evicting an entry whose file a pinned entry shares frees nothing', () => {
      const entries = [
        entry('shares-pinned', 10, 1, { sha256: 'P' }),
        entry('pinned', 10, 9, { sha256: 'P', pinned: true }),
        entry('y', 10, 2),
      ];
      // The LRU entry is taken (it is first in order) but frees nothing; y must go as well.
      expect(selectEntriesToEvict(entries, 20, { bytes: 10 })).toEqual({ fits: true, evictKeys: ['shares-pinned', 'y'] });
    });

    it('reports no room when the only candidates share a pinned file', () => {
      const entries = [entry('a', 10, 1, { sha256: 'P' }), entry('pinned', 10, 9, { sha256: 'P', pinned: true })];
      expect(selectEntriesToEvict(entries, 15, { bytes: 10 })).toEqual({ fits: false, reason: 'no-room-beside-pinned' });
    });
  });

  describe('incoming file already stored', () => {
    it('needs no room, even when larger than the budget', () => {
      const entries = [entry('a', 100, 1, { sha256: 'S' }), entry('b', 50, 2)];
      expect(selectEntriesToEvict(entries, 150, { sha256: 'S', bytes: 100 })).toEqual({ fits: true, evictKeys: [] });
      expect(selectEntriesToEvict([entry('a', 100, 1, { sha256: 'S' })], 100, { sha256: 'S', bytes: 1000 })).toEqual({ fits: true, evictKeys: [] });
    });

    it('never chooses entries sharing it, even when they are the oldest', () => {
      // Over budget (e.g. maxBytes was lowered): S entries are oldest but must stay.
      const entries = [entry('s1', 40, 1, { sha256: 'S' }), entry('s2', 40, 2, { sha256: 'S' }), entry('b', 30, 3), entry('c', 30, 4)];
      expect(selectEntriesToEvict(entries, 70, { sha256: 'S', bytes: 40 })).toEqual({ fits: true, evictKeys: ['b'] });
    });

    it('reports no room when only entries sharing it could be evicted', () => {
      const entries = [entry('s1', 40, 1, { sha256: 'S' }), entry('p', 40, 2, { pinned: true })];
      expect(selectEntriesToEvict(entries, 60, { sha256: 'S', bytes: 40 })).toEqual({ fits: false, reason: 'no-room-beside-pinned' });
    });

    it('treats an unknown sha256 as new bytes', () => {
      const entries = [entry('a', 10, 1), entry('b', 10, 2)];
      expect(selectEntriesToEvict(entries, 20, { sha256: 'new', bytes: 10 })).toEqual({ fits: true, evictKeys: ['a'] });
    });
  });

  describe('cannot fit', () => {
    it('rejects a file larger than the whole budget, evicting nothing', () => {
      expect(selectEntriesToEvict([], 99, { bytes: 100 })).toEqual({ fits: false, reason: 'larger-than-budget' });
      expect(selectEntriesToEvict([entry('a', 10, 1)], 99, { sha256: 'new', bytes: 100 })).toEqual({ fits: false, reason: 'larger-than-budget' });
    });

    it('rejects when pinned entries leave no room, evicting nothing', () => {
      const entries = [entry('p1', 40, 1, { pinned: true }), entry('p2', 40, 2, { pinned: true }), entry('a', 10, 3)];
      const decision = selectEntriesToEvict(entries, 100, { bytes: 30 });
      expect(decision).toEqual({ fits: false, reason: 'no-room-beside-pinned' });
      expect('evictKeys' in decision).toBe(false);
    });
  });

  describe('boundaries', () => {
    it('fits exactly at the budget without evicting', () => {
      const entries = [entry('a', 30, 1), entry('b', 30, 2)];
      expect(selectEntriesToEvict(entries, 100, { bytes: 40 })).toEqual({ fits: true, evictKeys: [] });
    });

    it('stops evicting as soon as the total fits exactly', () => {
      const entries = [entry('a', 30, 1), entry('b', 30, 2)];
      expect(selectEntriesToEvict(entries, 100, { bytes: 41 })).toEqual({ fits: true, evictKeys: ['a'] });
      expect(selectEntriesToEvict(entries, 100, { bytes: 70 })).toEqual({ fits: true, evictKeys: ['a'] });
      expect(selectEntriesToEvict(entries, 100, { bytes: 71 })).toEqual({ fits: true, evictKeys: ['a', 'b'] });
    });

    it('incoming exactly the budget fits after evicting everything unpinned', () => {
      const entries = [entry('a', 30, 2), entry('b', 30, 1)];
      expect(selectEntriesToEvict(entries, 100, { bytes: 100 })).toEqual({ fits: true, evictKeys: ['b', 'a'] });
    });

    describe('maxBytes 0', () => {
      it('evicts every unpinned entry', () => {
        const entries = [entry('a', 1, 2), entry('b', 5, 1)];
        expect(selectEntriesToEvict(entries, 0)).toEqual({ fits: true, evictKeys: ['b', 'a'] });
      });

      it('keeps empty files (0 bytes still fit)', () => {
        expect(selectEntriesToEvict([entry('empty', 0, 1)], 0, { bytes: 0 })).toEqual({ fits: true, evictKeys: [] });
      });

      it('rejects any non-empty incoming file as larger than the budget', () => {
        expect(selectEntriesToEvict([], 0, { bytes: 1 })).toEqual({ fits: false, reason: 'larger-than-budget' });
      });

      it('reports no room beside a pinned entry', () => {
        expect(selectEntriesToEvict([entry('p', 1, 1, { pinned: true })], 0)).toEqual({ fits: false, reason: 'no-room-beside-pinned' });
      });
    });
  });

  describe('property: random entry sets (seeded)', () => {
    const CASES = 500;

    function randomCase(seed: number): { entries: EvictionCandidate[]; maxBytes: number; incoming: IncomingFile } {
      const random = createRandom(seed);
      // A small pool of files so that entries often share one.
      const files = Array.from({ length: randomInt(random, 1, 8) }, (_, i) => ({ sha256: `file-${i}`, bytes: randomInt(random, 0, 100) }));
      const entries: EvictionCandidate[] = Array.from({ length: randomInt(random, 0, 12) }, (_, i) => {
        const file = files[randomInt(random, 0, files.length - 1)]!;
        // Few distinct times so ties (and the key tie-break) are common; keys not in time order.
        return { key: `k${(i * 7919) % 101}`, sha256: file.sha256, bytes: file.bytes, lastAccessedAt: randomInt(random, 0, 5), pinned: random() < 0.2 };
      });
      const kind = randomInt(random, 0, 2);
      const stored = files[randomInt(random, 0, files.length - 1)]!;
      const incoming: IncomingFile =
        kind === 0 ? { bytes: randomInt(random, 0, 150) } : kind === 1 ? { sha256: 'incoming-new', bytes: randomInt(random, 0, 150) } : { sha256: stored.sha256, bytes: stored.bytes };
      const maxBytes = randomInt(random, 0, Math.ceil(countStoredBytes(entries) * 1.3) + 20);
      return { entries, maxBytes, incoming };
    }

    it(`holds for ${CASES} cases`, () => {
      let fitted = 0;
      for (let seed = 1; seed <= CASES; seed++) {
        const { entries, maxBytes, incoming } = randomCase(seed);
        const context = `seed ${seed}`;
        const decision = selectEntriesToEvict(entries, maxBytes, incoming);
        const alreadyStored = incoming.sha256 !== undefined && entries.some((e) => e.sha256 === incoming.sha256);
        const needed = alreadyStored ? 0 : incoming.bytes;
        const unpinnedLru = entries
          .filter((e) => !e.pinned && e.sha256 !== incoming.sha256)
          .sort((a, b) => a.lastAccessedAt - b.lastAccessedAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
          .map((e) => e.key);
        const bytesAfter = (evicted: readonly string[]): number => countStoredBytes(entries.filter((e) => !evicted.includes(e.key)));

        if (decision.fits) {
          fitted++;
          const { evictKeys } = decision;
          expect(bytesAfter(evictKeys) + needed, context).toBeLessThanOrEqual(maxBytes);
          const pinnedKeys = new Set(entries.filter((e) => e.pinned).map((e) => e.key));
          expect(evictKeys.filter((k) => pinnedKeys.has(k)), context).toEqual([]);
          expect(evictKeys, context).toEqual(unpinnedLru.slice(0, evictKeys.length));
          // Minimal: without the last eviction it would not have fitted.
          if (evictKeys.length > 0) expect(bytesAfter(evictKeys.slice(0, -1)) + needed, context).toBeGreaterThan(maxBytes);
        } else if (decision.reason === 'larger-than-budget') {
          expect(needed, context).toBeGreaterThan(maxBytes);
        } else {
          expect(needed, context).toBeLessThanOrEqual(maxBytes);
          // Even evicting every candidate would not have made room.
          expect(bytesAfter(unpinnedLru) + needed, context).toBeGreaterThan(maxBytes);
        }
      }
      // The generator must exercise both outcomes for the property to mean anything.
      expect(fitted).toBeGreaterThan(CASES / 4);
      expect(fitted).toBeLessThan(CASES);
    });
  });
});
