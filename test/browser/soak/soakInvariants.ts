import type { Page } from 'playwright-core';

export interface DiskState {
  entries: { key: string; sha256: string; bytes: number; pinned: boolean }[];
  stats: { bytes: number; maxBytes: number; pinnedBytes: number; entries: number };
  blobs: Record<string, number>;
  /** Stored files some context holds a read lease on (a File handed out), from navigator.locks.query(). */
  leased: string[];
  temporaries: string[];
}

/** What the cache says and what is on disk, read from one page. */
export function readDiskState(page: Page, partition: string): Promise<DiskState> {
  return page.evaluate(async (partition) => {
    const lib = window.volumeCache as typeof import('../../../src/index');
    const cache = await lib.createVolumeCache({ name: partition });
    const entries = (await cache.entries()).map(({ key, sha256, bytes, pinned }) => ({ key, sha256, bytes, pinned }));
    const { bytes, maxBytes, pinnedBytes, entries: count } = await cache.stats();
    cache.close();
    const root = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('volume-cache')).getDirectoryHandle(partition);
    const blobs: Record<string, number> = {};
    for await (const [name, handle] of (await root.getDirectoryHandle('blobs')).entries()) {
      try {
        blobs[name] = (await (handle as FileSystemFileHandle).getFile()).size;
      } catch (error) {
        // A file whose lease just ended went between the listing and this look.
        if ((error as DOMException).name !== 'NotFoundError') throw error;
      }
    }
    const temporaries: string[] = [];
    for await (const name of (await root.getDirectoryHandle('tmp')).keys()) temporaries.push(name);
    const prefix = `volume-cache:${partition}:read:`;
    const { held = [] } = await navigator.locks.query();
    const leased = held.flatMap((lock) => (lock.name?.startsWith(prefix) ? [lock.name.slice(prefix.length)] : []));
    return { entries, stats: { bytes, maxBytes, pinnedBytes, entries: count }, blobs, leased, temporaries };
  }, partition);
}

/**
 * The invariants that must hold whenever no operation is running: every row
 * has its file with the right size and the hash its URL should have, no file
 * lacks a row unless a reader's lease keeps it, totals equal what is on disk, the budget holds, and no
 * download's temporary file is left behind.
 */
export function checkInvariants(state: DiskState, expectedSha256: (key: string) => string | undefined): string[] {
  const violations: string[] = [];
  const referenced = new Set<string>();
  for (const entry of state.entries) {
    referenced.add(entry.sha256);
    const size = state.blobs[entry.sha256];
    if (size === undefined) violations.push(`entry ${entry.key} has no file`);
    else if (size !== entry.bytes) violations.push(`entry ${entry.key} records ${entry.bytes} bytes, its file has ${size}`);
    const expected = expectedSha256(entry.key);
    if (expected !== undefined && expected !== entry.sha256) violations.push(`entry ${entry.key} has SHA-256 ${entry.sha256}, the source has ${expected}`);
  }
  // A file without a row may only be one whose removal waits for a reader's lease.
  const leased = new Set(state.leased);
  for (const name of Object.keys(state.blobs)) if (!referenced.has(name) && !leased.has(name)) violations.push(`file ${name} has no entry and no lease`);
  const onDisk = Object.entries(state.blobs).reduce((sum, [name, size]) => sum + (referenced.has(name) ? size : 0), 0);
  if (state.stats.bytes !== onDisk) violations.push(`stats().bytes is ${state.stats.bytes}, files of entries on disk hold ${onDisk}`);
  if (state.stats.entries !== state.entries.length) violations.push(`stats().entries is ${state.stats.entries}, entries() lists ${state.entries.length}`);
  if (state.stats.bytes > Math.max(state.stats.maxBytes, state.stats.pinnedBytes)) {
    violations.push(`stats().bytes ${state.stats.bytes} exceeds maxBytes ${state.stats.maxBytes} with ${state.stats.pinnedBytes} pinned`);
  }
  for (const name of state.temporaries) if (!name.startsWith('uncached-')) violations.push(`temporary ${name} left behind`);
  return violations;
}
