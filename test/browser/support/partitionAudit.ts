import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { CleanupReport } from '../../../src/index';
import { storedSize } from '../../../src/encryption/chunkFormat';

/** A partition's OPFS folders as a reader outside the library sees them: names and sizes. */
export interface PartitionFolders {
  /** blobs/<name> → size in bytes. */
  blobs: Record<string, number>;
  tmp: string[];
}

/** What the library says about a partition, next to what is on disk, before and after cleanup(). */
export interface PartitionAudit {
  /** Before the cache is opened, so leftovers a killed context left behind are still there. */
  foldersBefore: PartitionFolders;
  entries: { key: string; sha256: string; bytes: number }[];
  stats: { entries: number; bytes: number };
  cleanup: CleanupReport;
  foldersAfter: PartitionFolders;
  /** SHA-256 of every entry's bytes as getCachedFile() returns them, by key; null when it returned nothing. */
  readBack: Record<string, string | null>;
}

export interface AuditOptions {
  /** Name of a window property holding the partition's CryptoKey, for an encrypted partition. */
  keyGlobal?: string;
}

/**
 * Opens the partition in `page`, reads every entry back and runs cleanup(),
 * listing OPFS before and after, so a test can check the invariants:
 * stats() equals what is on disk, every entry reads back with its hash, no
 * temporary file survives cleanup().
 */
export function auditPartition(page: Page, partition: string, options: AuditOptions = {}): Promise<PartitionAudit> {
  return page.evaluate(
    async ({ partition, keyGlobal }) => {
      const list = async (): Promise<PartitionFolders> => {
        const root = await navigator.storage.getDirectory();
        const base = await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition);
        const blobs: Record<string, number> = {};
        for await (const [name, handle] of (await base.getDirectoryHandle('blobs')).entries()) {
          try {
            blobs[name] = handle.kind === 'file' ? (await (handle as FileSystemFileHandle).getFile()).size : -1;
          } catch (error) {
            // A file whose read lease just ended went between the listing and this look.
            if ((error as DOMException).name !== 'NotFoundError') throw error;
          }
        }
        const tmp: string[] = [];
        for await (const name of (await base.getDirectoryHandle('tmp')).keys()) tmp.push(name);
        return { blobs, tmp: tmp.sort() };
      };
      const foldersBefore = await list();
      const { createVolumeCache } = window.volumeCache as typeof import('../../../src/index');
      const key = keyGlobal === null ? undefined : ((window as unknown as Record<string, CryptoKey>)[keyGlobal] as CryptoKey);
      // No thumbnails: a background decode would only compete for the CPU with the test.
      const cache = await createVolumeCache({ name: partition, thumbnails: false, ...(key ? { encryption: { key } } : {}) });
      try {
        const entries = (await cache.entries()).map(({ key, sha256, bytes }) => ({ key, sha256, bytes }));
        const readBack: Record<string, string | null> = {};
        for (const entry of entries) {
          const file = await cache.getCachedFile(entry.key);
          readBack[entry.key] = file ? await window.sha256Hex(file) : null;
        }
        const stats = await cache.stats();
        const cleanup = await cache.cleanup();
        return { foldersBefore, entries, stats: { entries: stats.entries, bytes: stats.bytes }, cleanup, foldersAfter: await list(), readBack };
      } finally {
        cache.close();
      }
    },
    { partition, keyGlobal: options.keyGlobal ?? null },
  );
}

/** Path and query of a cache key (an absolute URL), as tests name their volumes. */
function pathOf(key: string): string {
  const url = new URL(key);
  return url.pathname + url.search;
}

/**
 * The invariants the issue asks for after every fault: exactly the expected
 * entries (path with query → SHA-256), each reading back with its hash, no
 * duplicate keys; stats() equal to the entries and to the files in blobs/
 * (one per distinct volume); no temporary file left after cleanup().
 *
 * An encrypted partition (`encrypted: true`) names its files at random and
 * stores each 1 MiB chunk with an IV and a tag, while stats().bytes counts
 * the plaintext: there the files must be exactly storedSize() of it.
 */
export function expectAuditMatches(audit: PartitionAudit, expected: Record<string, string>, { encrypted = false } = {}): void {
  const paths = audit.entries.map((entry) => pathOf(entry.key));
  expect(paths.toSorted()).toEqual(Object.keys(expected).toSorted());
  for (const entry of audit.entries) {
    const path = pathOf(entry.key);
    expect({ path, sha256: entry.sha256, readBack: audit.readBack[entry.key] }).toEqual({ path, sha256: expected[path], readBack: expected[path] });
  }
  const distinct = new Map(audit.entries.map((entry) => [entry.sha256, entry.bytes]));
  const plainBytes = [...distinct.values()].reduce((sum, bytes) => sum + bytes, 0);
  expect(audit.stats).toEqual({ entries: audit.entries.length, bytes: plainBytes });
  const files = Object.values(audit.foldersAfter.blobs);
  expect(files.reduce((sum, size) => sum + size, 0)).toBe(encrypted ? [...distinct.values()].reduce((sum, bytes) => sum + storedSize(bytes), 0) : plainBytes);
  if (encrypted) expect(files).toHaveLength(distinct.size);
  else expect(Object.keys(audit.foldersAfter.blobs).toSorted()).toEqual([...distinct.keys()].toSorted());
  expect(audit.foldersAfter.tmp).toEqual([]);
}

/**
 * Names of the Web Locks that writers take on the partition (downloads,
 * temporary files, commits), held or requested anywhere in the origin
 * (pages, workers, the service worker), as navigator.locks.query() reports
 * them. One left behind would make the next load of that volume wait for
 * ever. Read leases (`:read:`) are left out: they are shared, end on their
 * own after the lease time, and never hold up a load.
 */
export function writerLocks(page: Page, partition: string): Promise<{ held: string[]; pending: string[] }> {
  return page.evaluate(async (prefix) => {
    const snapshot = await navigator.locks.query();
    const names = (locks: LockInfo[] | undefined) =>
      (locks ?? [])
        .map((lock) => lock.name ?? '')
        .filter((name) => name.startsWith(prefix) && !name.startsWith(`${prefix}read:`))
        .sort();
    return { held: names(snapshot.held), pending: names(snapshot.pending) };
  }, `volume-cache:${partition}:`);
}
