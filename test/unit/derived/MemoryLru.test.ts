import { describe, it, expect } from 'vitest';
import { MemoryLru } from '../../../src/derived/MemoryLru';
import { VolumeCacheError } from '../../../src/errors';
import { createRandom, randomInt } from '../support/random';

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return (error as VolumeCacheError).code;
  }
  throw new Error('expected a throw');
}

describe('MemoryLru', () => {
  it('stores, reads, counts and deletes', () => {
    const lru = new MemoryLru<string>(100);
    expect(lru.set('a', 'A', 30)).toBe(true);
    expect(lru.set('b', 'B', 20)).toBe(true);
    expect([lru.get('a'), lru.get('b'), lru.get('c')]).toEqual(['A', 'B', undefined]);
    expect([lru.size, lru.bytes]).toEqual([2, 50]);
    expect(lru.delete('a')).toBe(true);
    expect(lru.delete('a')).toBe(false);
    expect([lru.size, lru.bytes, lru.has('a'), lru.has('b')]).toEqual([1, 20, false, true]);
    lru.clear();
    expect([lru.size, lru.bytes, lru.get('b')]).toEqual([0, 0, undefined]);
  });

  it('evicts least recently used first; get counts as use, has does not', () => {
    const evicted: string[] = [];
    const lru = new MemoryLru<number>(30, { onEvict: (key) => evicted.push(key) });
    lru.set('a', 1, 10);
    lru.set('b', 2, 10);
    lru.set('c', 3, 10);
    lru.get('a'); // now b is the oldest
    lru.has('b');
    lru.set('d', 4, 10);
    expect(evicted).toEqual(['b']);
    lru.set('e', 5, 20);
    expect(evicted).toEqual(['b', 'c', 'a']);
    expect([lru.has('d'), lru.has('e'), lru.bytes]).toEqual([true, true, 30]);
  });

  it('replacing a key replaces its size (no eviction callback for the old value)', () => {
    const evicted: string[] = [];
    const lru = new MemoryLru<string>(100, { onEvict: (key) => evicted.push(key) });
    lru.set('a', 'small', 10);
    lru.set('a', 'large', 90);
    expect([lru.get('a'), lru.size, lru.bytes, evicted]).toEqual(['large', 1, 90, []]);
  });

  it('does not store a value larger than the whole budget, and drops the stale one under its key', () => {
    const lru = new MemoryLru<string>(50);
    lru.set('keep', 'K', 10);
    lru.set('a', 'old', 10);
    expect(lru.set('a', 'huge', 51)).toBe(false);
    expect([lru.get('a'), lru.get('keep'), lru.bytes]).toEqual([undefined, 'K', 10]);
    expect(lru.set('exact', 'E', 50)).toBe(true);
    expect([lru.size, lru.bytes]).toEqual([1, 50]);
  });

  it('a zero budget holds only zero-byte values', () => {
    const lru = new MemoryLru<string>(0);
    expect(lru.set('a', 'A', 1)).toBe(false);
    expect(lru.set('b', 'B', 0)).toBe(true);
    expect(lru.size).toBe(1);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %s as maxBytes or bytes with invalid-argument', (bad) => {
    expect(codeOf(() => new MemoryLru(bad))).toBe('invalid-argument');
    expect(codeOf(() => new MemoryLru(10).set('a', 1, bad))).toBe('invalid-argument');
  });

  it('behaves like a simple model and never exceeds its budget, over random operations (seeded)', () => {
    // Plain comparisons in the loop (expect() per step would dominate the run time); a
    // mismatch throws with the seed and step, so it can be replayed exactly.
    const same = (actual: unknown, expected: unknown, where: string) => {
      if (JSON.stringify(actual) !== JSON.stringify(expected)) {
        throw new Error(`${where}: got ${JSON.stringify(actual)}, model says ${JSON.stringify(expected)}`);
      }
    };
    for (let seed = 1; seed <= 300; seed++) {
      const random = createRandom(seed);
      const maxBytes = randomInt(random, 0, 200);
      const evicted: string[] = [];
      const lru = new MemoryLru<number>(maxBytes, { onEvict: (key) => evicted.push(key) });
      // The model: an array ordered oldest use first.
      let model: { key: string; value: number; bytes: number }[] = [];
      for (let step = 0; step < 200; step++) {
        const where = `seed ${seed}, step ${step}`;
        const key = `k${randomInt(random, 0, 12)}`;
        const op = random();
        if (op < 0.5) {
          const bytes = randomInt(random, 0, random() < 0.1 ? 250 : 60);
          const value = randomInt(random, 0, 1e6);
          model = model.filter((slot) => slot.key !== key);
          const expectedEvictions: string[] = [];
          if (bytes <= maxBytes) {
            model.push({ key, value, bytes });
            while (model.reduce((sum, slot) => sum + slot.bytes, 0) > maxBytes) expectedEvictions.push(model.shift()!.key);
          }
          evicted.length = 0;
          same(lru.set(key, value, bytes), bytes <= maxBytes, `${where} set`);
          same(evicted, expectedEvictions, `${where} evictions`);
        } else if (op < 0.85) {
          const found = model.find((slot) => slot.key === key);
          if (found) model = [...model.filter((slot) => slot !== found), found];
          same(lru.get(key) ?? null, found?.value ?? null, `${where} get`);
        } else if (op < 0.98) {
          const existed = model.some((slot) => slot.key === key);
          model = model.filter((slot) => slot.key !== key);
          same(lru.delete(key), existed, `${where} delete`);
        } else {
          model = [];
          lru.clear();
        }
        const modelBytes = model.reduce((sum, slot) => sum + slot.bytes, 0);
        same([lru.bytes, lru.size], [modelBytes, model.length], `${where} totals`);
        if (lru.bytes > maxBytes) throw new Error(`${where}: ${lru.bytes} bytes held, budget ${maxBytes}`);
      }
      // Every key the model still holds, the cache holds too.
      same(model.map((slot) => slot.key).filter((k) => lru.has(k)), model.map((slot) => slot.key), `seed ${seed} final`);
    }
  });
});
