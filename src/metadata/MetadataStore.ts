import { deleteDB, openDB, type IDBPDatabase } from 'idb';
import type { KeyCheck } from '../encryption/keyCheck';
import type { RecordedServiceWorkerStatus } from '../protocol';
import type { CacheConfig } from '../types';
import { plainEntryCodec, type EntryCodec, type EntryRow, type StoredEntry } from './EntryCodec';
import { SCHEMA_VERSION, databaseName, upgradeSchema, type CacheTotals, type DerivedRecord, type VolumeCacheDB } from './VolumeCacheSchema';

export { databaseName, type CacheTotals, type DerivedRecord };

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
  decodes: 0,
  decodedHits: 0,
});

/**
 * Typed reads and writes of a partition's metadata, nothing else: policy
 * lives in the pure functions beside it and in the engine that applies them.
 */
export class MetadataStore {
  private constructor(
    private readonly db: IDBPDatabase<VolumeCacheDB>,
    private readonly codec: EntryCodec,
  ) {}

  /** `codec` seals entries in encrypted partitions; plain ones store them as they are. */
  static async open(partition: string, codec: EntryCodec = plainEntryCodec): Promise<MetadataStore> {
    const db = await openDB<VolumeCacheDB>(databaseName(partition), SCHEMA_VERSION, {
      upgrade: upgradeSchema,
      // Another context (a newer service worker or tab) wants to upgrade: step aside.
      blocking() {
        db.close();
      },
    });
    return new MetadataStore(db, codec);
  }

  /** Deletes a partition's database; open connections elsewhere close themselves (see blocking above). */
  static async destroy(partition: string): Promise<void> {
    await deleteDB(databaseName(partition));
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    const row = await this.db.get('entries', await this.codec.lookupKey(key));
    return row && this.codec.owns(row) ? this.codec.decode(row) : undefined;
  }

  /**
   * Every entry; a sealed row that no longer authenticates is dropped rather
   * than served. Rows of the other kind (written by a context with, or
   * without, the key: see EntryCodec.owns) are neither read nor dropped.
   */
  async all(): Promise<StoredEntry[]> {
    const rows = await this.db.getAll('entries');
    const entries: StoredEntry[] = [];
    for (const row of rows) {
      if (!this.codec.owns(row)) continue;
      try {
        entries.push(await this.codec.decode(row));
      } catch {
        await this.db.delete('entries', row.key);
      }
    }
    return entries;
  }

  async put(entry: StoredEntry): Promise<void> {
    // Plain rows are written without an await first, so calls keep their order against update().
    const row = this.codec === plainEntryCodec ? (entry as unknown as EntryRow) : await this.codec.encode(entry);
    await this.db.put('entries', row);
  }

  /** Deletes rows and returns the stored file names (SHA-256s in plain partitions) no remaining row references. */
  async delete(keys: readonly string[]): Promise<string[]> {
    const ids = await Promise.all(keys.map((key) => this.codec.lookupKey(key)));
    const tx = this.db.transaction('entries', 'readwrite');
    const hashes = new Set<string>();
    for (const key of ids) {
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

  /**
   * The stored file names every row references, sealed or plain, read or
   * not by this context's codec: what a sweep must keep (a row's sha256
   * field is its file's name in both kinds).
   */
  async storedNames(): Promise<Set<string>> {
    return new Set((await this.db.getAll('entries')).map((row) => row.sha256));
  }

  async countBySha256(sha256: string): Promise<number> {
    return this.db.countFromIndex('entries', 'by-sha256', sha256);
  }

  /**
   * Applies `change` to an entry inside one transaction, so concurrent
   * touches and pins do not lose each other's updates. A sealed row cannot be
   * decrypted inside a transaction (it would commit while WebCrypto works),
   * so there only the readable fields are changed in place; a change to a
   * sealed field (a revalidation's new ETag) re-seals the row outside one.
   */
  async update(key: string, change: (entry: StoredEntry) => StoredEntry): Promise<StoredEntry | undefined> {
    if (this.codec === plainEntryCodec) {
      const tx = this.db.transaction('entries', 'readwrite');
      const row = await tx.store.get(key);
      let updated: StoredEntry | undefined;
      if (row) {
        updated = change(row as unknown as StoredEntry);
        await tx.store.put(updated as unknown as EntryRow);
      }
      await tx.done;
      return updated;
    }
    const before = await this.get(key);
    if (!before) return undefined;
    const after = change(before);
    const plain = new Set<string>(this.codec.plainFields);
    const sealedChanged = Object.keys({ ...before, ...after }).some(
      (field) => !plain.has(field) && JSON.stringify((before as unknown as Record<string, unknown>)[field]) !== JSON.stringify((after as unknown as Record<string, unknown>)[field]),
    );
    if (sealedChanged) {
      await this.put(after);
      return after;
    }
    const id = await this.codec.lookupKey(key);
    const tx = this.db.transaction('entries', 'readwrite');
    const row = await tx.store.get(id);
    if (row) {
      for (const field of this.codec.plainFields) {
        if (after[field] !== before[field]) (row as Record<string, unknown>)[field] = after[field];
      }
      await tx.store.put(row);
    }
    await tx.done;
    return row ? { ...after, ...Object.fromEntries(this.codec.plainFields.map((field) => [field, row[field]])) } : undefined;
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

  async getServiceWorkerStatus(): Promise<RecordedServiceWorkerStatus | null> {
    const row = await this.db.get('meta', 'service-worker');
    return row && row.id === 'service-worker' ? row.serviceWorker : null;
  }

  async putServiceWorkerStatus(serviceWorker: RecordedServiceWorkerStatus): Promise<void> {
    await this.db.put('meta', { id: 'service-worker', serviceWorker });
  }

  getDerived(id: string): Promise<DerivedRecord | undefined> {
    return this.db.get('derived', id);
  }

  allDerived(): Promise<DerivedRecord[]> {
    return this.db.getAll('derived');
  }

  async putDerived(record: DerivedRecord): Promise<void> {
    await this.db.put('derived', record);
  }

  /** Deletes derived rows by id, or every row that derives from one of `sources`; returns the deleted rows. */
  async deleteDerived(selection: { ids?: readonly string[]; sources?: readonly string[] }): Promise<DerivedRecord[]> {
    const tx = this.db.transaction('derived', 'readwrite');
    const deleted = new Map<string, DerivedRecord>();
    for (const id of selection.ids ?? []) {
      const record = await tx.store.get(id);
      if (record) deleted.set(id, record);
    }
    for (const source of selection.sources ?? []) {
      for (const record of await tx.store.index('by-source').getAll(source)) deleted.set(record.id, record);
    }
    for (const id of deleted.keys()) await tx.store.delete(id);
    await tx.done;
    return [...deleted.values()];
  }

  /**
   * Moves a derived row to another id in one transaction (its file keeps its
   * name). False, changing nothing, when the row is gone or `toId` is taken.
   */
  async renameDerived(fromId: string, toId: string): Promise<boolean> {
    const tx = this.db.transaction('derived', 'readwrite');
    const record = await tx.store.get(fromId);
    const free = (await tx.store.getKey(toId)) === undefined;
    if (record && free) {
      await tx.store.put({ ...record, id: toId });
      await tx.store.delete(fromId);
    }
    await tx.done;
    return Boolean(record && free);
  }

  async clearDerived(): Promise<void> {
    await this.db.clear('derived');
  }

  async getKeyCheck(): Promise<KeyCheck | null> {
    const row = await this.db.get('meta', 'encryption');
    return row && row.id === 'encryption' ? row.keyCheck : null;
  }

  async putKeyCheck(keyCheck: KeyCheck): Promise<void> {
    await this.db.put('meta', { id: 'encryption', keyCheck });
  }

  async countEntries(): Promise<number> {
    return this.db.count('entries');
  }

  close(): void {
    this.db.close();
  }
}
