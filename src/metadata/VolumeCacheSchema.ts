import type { DBSchema, IDBPDatabase } from 'idb';
import type { KeyCheck } from '../encryption/keyCheck';
import type { RecordedServiceWorkerStatus } from '../protocol';
import type { CacheConfig, CacheStats } from '../types';
import type { EntryRow } from './EntryCodec';

/**
 * The running totals that survive restarts, documented once, on CacheStats;
 * derived numbers (hitRate, bytes) are computed from them.
 */
export type CacheTotals = Pick<
  CacheStats,
  'hits' | 'misses' | 'downloads' | 'bytesFromNetwork' | 'bytesFromCache' | 'evictions' | 'revalidations' | 'stale' | 'uncached' | 'corrupt' | 'decodes' | 'decodedHits'
>;

/**
 * A partition's IndexedDB database, typed once: its stores, keys and
 * indexes, the version, and the one upgrade() that brings any older
 * database to it. MetadataStore is the only code that opens it.
 */
export interface VolumeCacheDB extends DBSchema {
  entries: {
    key: string;
    value: EntryRow;
    indexes: { 'by-sha256': string };
  };
  derived: {
    key: string;
    value: DerivedRecord;
    indexes: { 'by-source': string };
  };
  meta: {
    key: string;
    value:
      | { id: 'config'; config: CacheConfig }
      | { id: 'totals'; totals: CacheTotals }
      | { id: 'service-worker'; serviceWorker: RecordedServiceWorkerStatus }
      | { id: 'encryption'; keyCheck: KeyCheck };
  };
}

/**
 * A result derived from cached volumes (a decoded volume, a thumbnail, an
 * application's memo): kept until it expires or any of its sources goes.
 */
export interface DerivedRecord {
  /** derivedId(kind, memoKey() of what it was derived from): the kind is part of the id (see derivedId). */
  id: string;
  kind: 'decoded' | 'thumbnail' | 'memo';
  /** Stored file names of the entries it derives from (evicted with them). */
  sources: string[];
  /** Bytes of its file under derived/ (0 when the value is inline). */
  bytes: number;
  /** Its file under derived/, or null when the value is kept in the row. */
  file: string | null;
  /** The inline value, or what describes the file (a header, an array type); sealed in encrypted partitions. */
  value: unknown;
  createdAt: number;
  lastAccessedAt: number;
  expiresAt: number | null;
}

export const SCHEMA_VERSION = 2;

export function databaseName(partition: string): string {
  return `volume-cache:${partition}`;
}

/** Creates what each version added, from the version the database had. */
export function upgradeSchema(database: IDBPDatabase<VolumeCacheDB>, oldVersion: number): void {
  if (oldVersion < 1) {
    const entries = database.createObjectStore('entries', { keyPath: 'key' });
    entries.createIndex('by-sha256', 'sha256');
    database.createObjectStore('meta', { keyPath: 'id' });
  }
  if (oldVersion < 2) {
    const derived = database.createObjectStore('derived', { keyPath: 'id' });
    derived.createIndex('by-source', 'sources', { multiEntry: true });
  }
}
