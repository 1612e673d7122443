import { deleteDB, openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { CacheConfig, CacheEntry, ServiceWorkerStatus } from '../types';

/** Running totals that survive restarts; derived numbers (hitRate, bytes) are computed from them. */
export interface CacheTotals {
  hits: number;
  misses: number;
  downloads: number;
  bytesFromNetwork: number;
  bytesFromCache: number;
  evictions: number;
  revalidations: number;
  stale: number;
  uncached: number;
  corrupt: number;
}

export const ZERO_TOTALS: Readonly<CacheTotals> = Object.freeze({
  hits: 0,
  misses: 0,
  downloads: 0,
  bytesFromNetwork: 0,
  bytesFromCache: 0,
  evictions: 0,
  revalidations: 0,
  stale: 0,
  uncached: 0,
  corrupt: 0,
});

interface VolumeCacheDB extends DBSchema {
  entries: {
    key: string;
    value: CacheEntry;
    indexes: { 'by-sha256': string };
  };
  meta: {
    key: string;
    value:
      | { id: 'config'; config: CacheConfig }
      | { id: 'totals'; totals: CacheTotals }
      | { id: 'service-worker'; serviceWorker: ServiceWorkerStatus };
  };
}

const SCHEMA_VERSION = 1;

export function databaseName(partition: string): string {
  return `volume-cache:${partition}`;
}

/**
 * Typed reads and writes of a partition's metadata, nothing else: policy
 * lives in the pure functions beside it and in the engine that applies them.
 */
export class MetadataStore {
  private constructor(private readonly db: IDBPDatabase<VolumeCacheDB>) {}

  static async open(partition: string): Promise<MetadataStore> {
    const db = await openDB<VolumeCacheDB>(databaseName(partition), SCHEMA_VERSION, {
      upgrade(database, oldVersion) {
        if (oldVersion < 1) {
          const entries = database.createObjectStore('entries', { keyPath: 'key' });
          entries.createIndex('by-sha256', 'sha256');
          database.createObjectStore('meta', { keyPath: 'id' });
        }
      },
      // Another context (a newer service worker or tab) wants to upgrade: step aside.
      blocking() {
        db.close();
      },
    });
    return new MetadataStore(db);
  }

  /** Deletes a partition's database; open connections elsewhere close themselves (see blocking above). */
  static async destroy(partition: string): Promise<void> {
    await deleteDB(databaseName(partition));
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return this.db.get('entries', key);
  }

  all(): Promise<CacheEntry[]> {
    return this.db.getAll('entries');
  }

  async put(entry: CacheEntry): Promise<void> {
    await this.db.put('entries', entry);
  }

  /** Deletes rows and returns the SHA-256s that no remaining row references. */
  async delete(keys: readonly string[]): Promise<string[]> {
    const tx = this.db.transaction('entries', 'readwrite');
    const hashes = new Set<string>();
    for (const key of keys) {
      const entry = await tx.store.get(key);
      if (!entry) continue;
      hashes.add(entry.sha256);
      await tx.store.delete(key);
    }
    const unreferenced: string[] = [];
    for (const sha256 of hashes) {
      if ((await tx.store.index('by-sha256').count(sha256)) === 0) unreferenced.push(sha256);
    }
    await tx.done;
    return unreferenced;
  }

  async countBySha256(sha256: string): Promise<number> {
    return this.db.countFromIndex('entries', 'by-sha256', sha256);
  }

  /** Applies `change` to an entry inside one transaction, so concurrent touches do not lose updates. */
  async update(key: string, change: (entry: CacheEntry) => CacheEntry): Promise<CacheEntry | undefined> {
    const tx = this.db.transaction('entries', 'readwrite');
    const entry = await tx.store.get(key);
    let updated: CacheEntry | undefined;
    if (entry) {
      updated = change(entry);
      await tx.store.put(updated);
    }
    await tx.done;
    return updated;
  }

  async clearEntries(): Promise<void> {
    await this.db.clear('entries');
  }

  async getConfig(): Promise<CacheConfig | undefined> {
    const row = await this.db.get('meta', 'config');
    return row && row.id === 'config' ? row.config : undefined;
  }

  async putConfig(config: CacheConfig): Promise<void> {
    await this.db.put('meta', { id: 'config', config });
  }

  async getTotals(): Promise<CacheTotals> {
    const row = await this.db.get('meta', 'totals');
    return { ...ZERO_TOTALS, ...(row && row.id === 'totals' ? row.totals : {}) };
  }

  async addTotals(delta: Partial<CacheTotals>): Promise<void> {
    const tx = this.db.transaction('meta', 'readwrite');
    const row = await tx.store.get('totals');
    const totals: CacheTotals = { ...ZERO_TOTALS, ...(row && row.id === 'totals' ? row.totals : {}) };
    for (const [name, value] of Object.entries(delta) as [keyof CacheTotals, number][]) totals[name] += value;
    await tx.store.put({ id: 'totals', totals });
    await tx.done;
  }

  async getServiceWorkerStatus(): Promise<ServiceWorkerStatus | null> {
    const row = await this.db.get('meta', 'service-worker');
    return row && row.id === 'service-worker' ? row.serviceWorker : null;
  }

  async putServiceWorkerStatus(serviceWorker: ServiceWorkerStatus): Promise<void> {
    await this.db.put('meta', { id: 'service-worker', serviceWorker });
  }

  close(): void {
    this.db.close();
  }
}
