import { afterEach } from 'vitest';
import { MetadataStore } from '../../../../src/metadata/MetadataStore';
import type { StoredEntry } from '../../../../src/metadata/EntryCodec';
import { createPartitionContext } from '../../../../src/engine/createPartitionContext';
import type { PartitionContext } from '../../../../src/engine/PartitionContext';
import type { CacheChange } from '../../../../src/shared/cacheChanges';
import type { DerivedPut } from '../../../../src/storage/DerivedResults';
import { PartitionFiles } from '../../../../src/storage/PartitionFiles';
import { createMemoryLocks } from '../../support/memoryLocks';
import { createMemoryOpfs, type MemoryOpfs } from '../../support/memoryOpfs';

export interface TestPartition {
  /** Built by createPartitionContext() as the engine builds it, over an in-memory OPFS, locks and fake-indexeddb. */
  context: PartitionContext;
  /** The fake clock behind `context.now` and File.lastModified. */
  clock: { now: number };
  /** What `context.maxBytes()` returns; set it as configure() would. */
  budget: { maxBytes: number };
  /** Everything posted to `context.changes`. */
  posts: CacheChange[];
  disk: MemoryOpfs;
  /** Disk changes (`remove …`, `move …`) as they happen, for tests that check an order. */
  events: string[];
  /** Stored file paths under blobs/ and derived/, sorted: what a test usually asserts. */
  storedFiles(): string[];
  close(): void;
}

export interface TestPartitionOptions {
  fileLeaseMs?: number;
  maxBytes?: number;
}

let opened = 0;

export async function openTestPartition({ fileLeaseMs = 60_000, maxBytes = 1_000_000 }: TestPartitionOptions = {}): Promise<TestPartition> {
  const name = `unit-${++opened}-${Math.random().toString(36).slice(2)}`;
  const clock = { now: 1_700_000_000_000 };
  const budget = { maxBytes };
  const posts: CacheChange[] = [];
  const events: string[] = [];
  const now = (): number => clock.now;
  const disk = createMemoryOpfs({ now, log: (event) => events.push(event) });
  const store = await MetadataStore.open(name);
  const locks = createMemoryLocks();
  const files = await PartitionFiles.open(disk.getDirectory, name, locks);
  const changes = { post: (change: CacheChange) => void posts.push(change), close: () => undefined };
  const context = createPartitionContext({
    settings: { partition: name, encryptionKey: null, verifyOnRead: false, reuseOpenedFileMs: 2000, fileLeaseMs },
    store,
    files,
    locks,
    now,
    changes,
    maxBytes: () => budget.maxBytes,
    useStamp: () => clock.now,
    async addTotals(delta) {
      await store.addTotals(delta).catch(() => undefined);
      changes.post({ type: 'stats' });
    },
    hitsRecorded: async () => undefined,
  });
  const root = `volume-cache/${name}/`;
  return {
    context,
    clock,
    budget,
    posts,
    disk,
    events,
    storedFiles: () => disk.list().filter((path) => !path.startsWith(`${root}tmp/`)).map((path) => path.slice(root.length)),
    close() {
      context.removals.close();
      context.leases.releaseAll();
      store.close();
    },
  };
}

/** Opens test partitions for the calling test file and closes each after its test. */
export function useTestPartitions(): (options?: TestPartitionOptions) => Promise<TestPartition> {
  const opened: TestPartition[] = [];
  afterEach(() => {
    for (const partition of opened.splice(0)) partition.close();
  });
  return async (options = {}) => {
    const partition = await openTestPartition(options);
    opened.push(partition);
    return partition;
  };
}

/** A stored entry with what eviction reads; `bytes` must match the file stored for `sha256`. */
export function entry(key: string, sha256: string, bytes: number, lastAccessedAt: number, extra: Partial<StoredEntry> = {}): StoredEntry {
  return {
    key,
    url: `https://data.example/${key}`,
    bytes,
    sha256,
    contentType: 'application/octet-stream',
    contentEncoding: null,
    etag: null,
    lastModified: null,
    createdAt: lastAccessedAt,
    lastAccessedAt,
    expiresAt: Number.MAX_SAFE_INTEGER,
    pinned: false,
    nifti: null,
    ...extra,
  };
}

/** Stores `bytes` bytes under blobs/`name` as the engine commits a download: a temporary, its sink, commit(). */
export async function storeFile(context: PartitionContext, name: string, bytes: number): Promise<void> {
  const temporary = await context.files.createDownload();
  try {
    const sink = await temporary.openSink();
    await sink.write(new Uint8Array(bytes).fill(7), 0);
    await sink.close();
    await context.files.commit(temporary, name);
  } finally {
    temporary.release();
  }
}

/** Stores each entry's file (once per stored name) and then its row. */
export async function storeEntries(context: PartitionContext, entries: readonly StoredEntry[]): Promise<void> {
  for (const stored of entries) {
    if (!(await context.files.hasBlob(stored.storedAs ?? stored.sha256))) await storeFile(context, stored.storedAs ?? stored.sha256, stored.bytes);
    await context.store.put(stored);
  }
}

/** A derived result with a file of `bytes` bytes under derived/`id`. */
export function derivedFile(id: string, sources: string[], bytes: number, kind: DerivedPut['kind'] = 'decoded'): DerivedPut {
  return { id, kind, sources, ttlSeconds: null, data: new ArrayBuffer(bytes), value: null };
}

/** Keys of the rows left, sorted. */
export async function rowKeys(context: PartitionContext): Promise<string[]> {
  return (await context.store.all()).map((row) => row.key).sort();
}
