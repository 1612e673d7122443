import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StoredFileRemovals } from '../../../src/storage/StoredFileRemovals';

/** Stored files, read leases and rows, as the removals see them. */
function fakeEngine() {
  const files = new Set<string>();
  const leased = new Set<string>();
  const referenced = new Set<string>();
  const events: string[] = [];
  let lockHeld = false;
  return {
    files,
    leased,
    referenced,
    events,
    deps: {
      async removeFile(name: string) {
        events.push(`remove ${name}${lockHeld ? ' (locked)' : ''}`);
        files.delete(name);
      },
      async removeUnlessLeased(name: string, remove: () => Promise<void>) {
        if (leased.has(name)) return false;
        await remove();
        return true;
      },
      async isReferenced(name: string) {
        return referenced.has(name);
      },
      async underCommitLock(task: () => Promise<void>) {
        lockHeld = true;
        try {
          await task();
        } finally {
          lockHeld = false;
        }
      },
    },
  };
}

/** Removals asked to remove `names`, each stored and leased, so each is waiting. */
async function waitingRemovals(names: string[], fileLeaseMs = 4000) {
  const engine = fakeEngine();
  const removals = new StoredFileRemovals(engine.deps, fileLeaseMs);
  for (const name of names) {
    engine.files.add(name);
    engine.leased.add(name);
    await removals.remove(name);
  }
  return { engine, removals };
}

describe('StoredFileRemovals', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('removes a file nobody reads at once', async () => {
    const engine = fakeEngine();
    engine.files.add('a');
    const removals = new StoredFileRemovals(engine.deps, 4000);
    await removals.remove('a');
    expect(engine.files.has('a')).toBe(false);
    expect(removals.isWaiting('a')).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps a leased file until its leases end, trying again every quarter lease under the commit lock', async () => {
    const { engine, removals } = await waitingRemovals(['a']);
    expect(engine.files.has('a')).toBe(true);
    expect(removals.isWaiting('a')).toBe(true);

    await vi.advanceTimersByTimeAsync(999);
    expect(engine.events).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    // Still leased at the first retry: it waits for the next one.
    expect(engine.files.has('a')).toBe(true);
    expect(removals.isWaiting('a')).toBe(true);

    engine.leased.delete('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.files.has('a')).toBe(false);
    expect(removals.isWaiting('a')).toBe(false);
    expect(engine.events).toEqual(['remove a (locked)']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps one timer for many waiting files', async () => {
    const { engine } = await waitingRemovals(['a', 'b', 'c']);
    expect(vi.getTimerCount()).toBe(1);
    engine.leased.clear();
    await vi.advanceTimersByTimeAsync(1000);
    expect([...engine.files]).toEqual([]);
  });

  it('keeps a waiting file that was stored again meanwhile', async () => {
    const { engine, removals } = await waitingRemovals(['a']);
    engine.referenced.add('a');
    engine.leased.delete('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.files.has('a')).toBe(true);
    expect(removals.isWaiting('a')).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('removes a file even while it is read when asked to (a damaged file)', async () => {
    const { engine, removals } = await waitingRemovals(['a']);
    expect(removals.isWaiting('a')).toBe(true);
    await removals.remove('a', { evenIfRead: true });
    expect(engine.files.has('a')).toBe(false);
    expect(removals.isWaiting('a')).toBe(false);
  });

  it('stops retrying once closed, leaving waiting files for the next sweep', async () => {
    const { engine, removals } = await waitingRemovals(['a']);
    removals.close();
    engine.leased.delete('a');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.files.has('a')).toBe(true);
    expect(vi.getTimerCount()).toBe(0);

    engine.leased.add('b');
    await removals.remove('b');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('survives a retry that fails, and tries again when a file next has to wait', async () => {
    const engine = fakeEngine();
    engine.files.add('a');
    engine.leased.add('a');
    let failLock = true;
    const removals = new StoredFileRemovals(
      {
        ...engine.deps,
        underCommitLock: (task) => (failLock ? Promise.reject(new Error('lock lost')) : engine.deps.underCommitLock(task)),
      },
      4000,
    );
    await removals.remove('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.files.has('a')).toBe(true);
    expect(removals.isWaiting('a')).toBe(true);

    failLock = false;
    engine.leased.delete('a');
    engine.leased.add('b');
    await removals.remove('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.files.has('a')).toBe(false);
    expect(removals.isWaiting('b')).toBe(true);
  });

  it.each([
    [400, 250],
    [8000, 2000],
    [600_000, 30_000],
  ])('with %i ms leases, tries again after %i ms', async (fileLeaseMs, retryMs) => {
    const { engine } = await waitingRemovals(['a'], fileLeaseMs);
    engine.leased.delete('a');
    await vi.advanceTimersByTimeAsync(retryMs - 1);
    expect(engine.files.has('a')).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.files.has('a')).toBe(false);
  });
});
