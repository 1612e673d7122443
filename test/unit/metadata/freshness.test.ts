import { describe, it, expect } from 'vitest';
import { computeExpiresAt, isExpired, selectExpiredEntries } from '../../../src/metadata/freshness';

const NOW = 1_700_000_000_000;

describe('computeExpiresAt', () => {
  it('adds the TTL in milliseconds', () => {
    expect(computeExpiresAt(NOW, 60)).toBe(NOW + 60_000);
    expect(computeExpiresAt(NOW, 0)).toBe(NOW);
    expect(computeExpiresAt(NOW, 1.5)).toBe(NOW + 1500);
  });
});

describe('isExpired', () => {
  it('is expired exactly at expiresAt', () => {
    expect(isExpired({ expiresAt: NOW }, NOW)).toBe(true);
  });

  it('is fresh one millisecond before expiresAt', () => {
    expect(isExpired({ expiresAt: NOW + 1 }, NOW)).toBe(false);
  });

  it('is expired after expiresAt', () => {
    expect(isExpired({ expiresAt: NOW - 1 }, NOW)).toBe(true);
  });

  it('treats a zero TTL as already expired', () => {
    expect(isExpired({ expiresAt: computeExpiresAt(NOW, 0) }, NOW)).toBe(true);
  });
});

describe('selectExpiredEntries', () => {
  const entries = [
    { key: 'fresh', expiresAt: NOW + 1, pinned: false },
    { key: 'at-boundary', expiresAt: NOW, pinned: false },
    { key: 'old', expiresAt: NOW - 10_000, pinned: false },
    { key: 'old-pinned', expiresAt: NOW - 10_000, pinned: true },
    { key: 'boundary-pinned', expiresAt: NOW, pinned: true },
    { key: 'fresh-pinned', expiresAt: NOW + 10_000, pinned: true },
  ];

  it('selects unpinned entries expiring at or before now, in input order', () => {
    expect(selectExpiredEntries(entries, NOW).map((e) => e.key)).toEqual(['at-boundary', 'old']);
  });

  it('never selects pinned entries, however old', () => {
    const selected = selectExpiredEntries(entries, Number.MAX_SAFE_INTEGER);
    expect(selected.some((e) => e.pinned)).toBe(false);
    expect(selected.map((e) => e.key)).toEqual(['fresh', 'at-boundary', 'old']);
  });

  it('returns the same objects, not copies', () => {
    const selected = selectExpiredEntries(entries, NOW);
    expect(selected[0]).toBe(entries[1]);
  });

  it('returns nothing for no entries', () => {
    expect(selectExpiredEntries([], NOW)).toEqual([]);
  });
});
