import type { CacheEntry } from '../types';

/** An entry as the engine keeps it: the public entry plus where its bytes are stored. */
export interface StoredEntry extends CacheEntry {
  /** The file's name under blobs/ when it is not the SHA-256 (encrypted partitions). */
  storedAs?: string;
  /** When the server last confirmed the bytes (a 304 renews it); absent on older rows, where createdAt stands in. See isExpired. */
  validatedAt?: number;
}

/**
 * The row written to IndexedDB. In a plain partition it is the entry itself.
 * In an encrypted one only what eviction and expiry need stays readable;
 * `key` is a keyed lookup id and `sha256` holds the stored file's random name
 * (so the by-sha256 index still counts references to a file).
 */
export interface EntryRow {
  key: string;
  sha256: string;
  bytes: number;
  createdAt: number;
  lastAccessedAt: number;
  expiresAt: number;
  pinned: boolean;
  [field: string]: unknown;
}

export interface EntryCodec {
  lookupKey(key: string): Promise<string>;
  encode(entry: StoredEntry): Promise<EntryRow>;
  decode(row: EntryRow): Promise<StoredEntry>;
  /** Row fields that can change without re-encoding (touch, pin, renew). */
  readonly plainFields: readonly (keyof CacheEntry & keyof EntryRow)[];
  /**
   * Whether a row is written by this kind of codec (sealed or plain). The
   * other kind's rows belong to a context opened with (or without) the key:
   * never read as entries, and never deleted for failing to decode.
   */
  owns(row: EntryRow): boolean;
}

/** A sealed row carries its ciphertext; a plain one is the entry itself. */
export function isSealedRow(row: EntryRow): boolean {
  return row.sealed !== undefined;
}

export const plainEntryCodec: EntryCodec = {
  lookupKey: async (key) => key,
  encode: async (entry) => entry as unknown as EntryRow,
  decode: async (row) => row as unknown as StoredEntry,
  plainFields: ['bytes', 'createdAt', 'lastAccessedAt', 'expiresAt', 'pinned'],
  owns: (row) => !isSealedRow(row),
};

/** The name of an entry's file under blobs/. */
export function storedName(entry: Pick<StoredEntry, 'sha256' | 'storedAs'>): string {
  return entry.storedAs ?? entry.sha256;
}

/** The entry as callers see it, without storage details. */
export function toPublicEntry(entry: StoredEntry): CacheEntry;
export function toPublicEntry(entry: StoredEntry | null | undefined): CacheEntry | null;
export function toPublicEntry(entry: StoredEntry | null | undefined): CacheEntry | null {
  if (!entry) return null;
  const { storedAs: _storedAs, validatedAt: _validatedAt, ...rest } = entry;
  // Rows written before contentEncoding was recorded lack it.
  return { ...rest, contentEncoding: rest.contentEncoding ?? null };
}
