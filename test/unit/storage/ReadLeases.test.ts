import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadLeases } from '../../../src/storage/ReadLeases';

/** Grants every shared request at once and refuses exclusive ones while any shared holder remains (all this test needs of Web Locks). */
function fakeLocks(): LockManager {
  const holders = new Map<string, number>();
  const request = async (name: string, options: LockOptions, callback: (lock: Lock | null) => Promise<unknown>): Promise<unknown> => {
    if (options.mode === 'exclusive') return callback((holders.get(name) ?? 0) > 0 ? null : ({ name, mode: 'exclusive' } as Lock));
    holders.set(name, (holders.get(name) ?? 0) + 1);
    try {
      return await callback({ name, mode: 'shared' } as Lock);
    } finally {
      holders.set(name, holders.get(name)! - 1);
    }
  };
  return { request, query: async () => ({ held: [], pending: [] }) } as unknown as LockManager;
}

describe('ReadLeases: reusing a recently opened file', () => {
  const LEASE_MS = 10_000;
  const REUSE_MS = 2_000;
  let leases: ReadLeases;
  const file = new Blob(['stored bytes']);

  beforeEach(() => {
    vi.useFakeTimers();
    leases = new ReadLeases(fakeLocks(), 'volume-cache:test:read:', LEASE_MS);
  });
  afterEach(() => {
    leases.releaseAll();
    vi.useRealTimers();
  });

  it('returns the file kept under the held lease within the reuse time, and nothing after it', async () => {
    await leases.hold('abc');
    expect(leases.recentlyOpened('abc', REUSE_MS)).toBeNull();
    leases.keepOpened('abc', file);
    expect(leases.recentlyOpened('abc', REUSE_MS)).toBe(file);
    expect(leases.recentlyOpened('other', REUSE_MS)).toBeNull();
    await vi.advanceTimersByTimeAsync(REUSE_MS + 1);
    expect(leases.recentlyOpened('abc', REUSE_MS)).toBeNull();
  });

  it('forgets the file when its lease ends, so a later lease opens the file again', async () => {
    await leases.hold('abc');
    leases.keepOpened('abc', file);
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1);
    await leases.hold('abc');
    expect(leases.recentlyOpened('abc', Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('forgets every file when the cache closes, and keeps none without a lease', async () => {
    await leases.hold('abc');
    leases.keepOpened('abc', file);
    leases.releaseAll();
    expect(leases.recentlyOpened('abc', REUSE_MS)).toBeNull();
    leases.keepOpened('never-held', file);
    expect(leases.recentlyOpened('never-held', REUSE_MS)).toBeNull();
  });

  it('a lease is what keeps a removal away while the file may be reused', async () => {
    await leases.hold('abc');
    leases.keepOpened('abc', file);
    expect(await leases.removeUnlessLeased('abc', async () => undefined)).toBe(false);
    await vi.advanceTimersByTimeAsync(LEASE_MS + 1);
    expect(await leases.removeUnlessLeased('abc', async () => undefined)).toBe(true);
  });
});
