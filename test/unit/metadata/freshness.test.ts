import { describe, it, expect } from 'vitest';
import { CLOCK_TOLERANCE_MS, computeExpiresAt, isExpired, selectExpiredEntries } from '../../../src/metadata/freshness';

const NOW = 1_700_000_000_000;
const BEFORE = NOW - 1000;

describe('computeExpiresAt', () => {
  it('adds the TTL in milliseconds', () => {
    expect(computeExpiresAt(NOW, 60)).toBe(NOW + 60_000);
    expect(computeExpiresAt(NOW, 0)).toBe(NOW);
    expect(computeExpiresAt(NOW, 1.5)).toBe(NOW + 1500);
  });
});

describe('isExpired', () => {
  it('is expired exactly at expiresAt', () => {
    expect(isExpired({ createdAt: BEFORE, expiresAt: NOW }, NOW)).toBe(true);
  });

  it('is fresh one millisecond before expiresAt', () => {
    expect(isExpired({ createdAt: BEFORE, expiresAt: NOW + 1 }, NOW)).toBe(false);
  });

  it('is expired after expiresAt', () => {
    expect(isExpired({ createdAt: BEFORE, expiresAt: NOW - 1 }, NOW)).toBe(true);
  });

  it('is expired when the clock reads earlier than the last validation: a clock set back never extends freshness', () => {
    const DAY = 24 * 60 * 60 * 1000;
    // Validated while the clock ran two days ahead, with a 60 s TTL; the clock is then put right.
    const validatedAhead = { createdAt: NOW - DAY, validatedAt: NOW + 2 * DAY, expiresAt: NOW + 2 * DAY + 60_000 };
    expect(isExpired(validatedAhead, NOW)).toBe(true);
    // Rows from before validatedAt was recorded use createdAt.
    expect(isExpired({ createdAt: NOW + 2 * DAY, expiresAt: NOW + 2 * DAY + 60_000 }, NOW)).toBe(true);
    // Within the tolerance (clocks of two contexts, an NTP slew) it stays fresh.
    expect(isExpired({ createdAt: NOW + CLOCK_TOLERANCE_MS, expiresAt: NOW + DAY }, NOW)).toBe(false);
    expect(isExpired({ createdAt: NOW + CLOCK_TOLERANCE_MS + 1, expiresAt: NOW + DAY }, NOW)).toBe(true);
  });

  it('treats a zero TTL as already expired', () => {
    expect(isExpired({ createdAt: NOW, expiresAt: computeExpiresAt(NOW, 0) }, NOW)).toBe(true);
  });
});

describe('selectExpiredEntries', () => {
  const entries = [
    { key: 'fresh', createdAt: BEFORE, expiresAt: NOW + 1, pinned: false },
    { key: 'at-boundary', createdAt: BEFORE, expiresAt: NOW, pinned: false },
    { key: 'old', createdAt: BEFORE, expiresAt: NOW - 10_000, pinned: false },
    { key: 'old-pinned', createdAt: BEFORE, expiresAt: NOW - 10_000, pinned: true },
    { key: 'boundary-pinned', createdAt: BEFORE, expiresAt: NOW, pinned: true },
    { key: 'fresh-pinned', createdAt: BEFORE, expiresAt: NOW + 10_000, pinned: true },
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
