import { VolumeCacheError } from '../errors';
import type { EntryCodec, EntryRow, StoredEntry } from '../metadata/EntryCodec';
import { IV_BYTES } from './chunkFormat';

const PLAIN_FIELDS = ['bytes', 'createdAt', 'lastAccessedAt', 'expiresAt', 'pinned'] as const;

/**
 * Seals the fields of an entry that can identify a patient (URL and key,
 * which often carry study or subject ids; ETag and Last-Modified; content
 * type; the SHA-256, which identifies a known file; the NIfTI summary, whose
 * description field is free text). Sizes, times and the pin stay readable so
 * eviction and expiry work without the key in every transaction.
 *
 * Rows are found by a deterministic, keyed id of the cache key: AES-GCM
 * under the partition key with the IV taken from a hash of the key itself.
 * Equal keys give equal ids (that is the point), different keys different
 * IVs, and without the key nobody can compute the id of a guessed URL.
 */
export function createSealedEntryCodec(key: CryptoKey): EntryCodec {
  const encoder = new TextEncoder();
  const lookupKey = async (cacheKey: string): Promise<string> => {
    const bytes = encoder.encode(`volume-cache:lookup:${cacheKey}`);
    const iv = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)).slice(0, IV_BYTES);
    return toBase64(new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, bytes)));
  };
  return {
    lookupKey,
    plainFields: PLAIN_FIELDS,
    // Its rows carry their ciphertext (plainEntryCodec owns the rest; see EntryCodec.owns).
    owns: (row) => row.sealed !== undefined,
    async encode(entry: StoredEntry): Promise<EntryRow> {
      if (!entry.storedAs) throw new Error('an encrypted entry needs its stored file name');
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
      const id = await lookupKey(entry.key);
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(id) }, key, encoder.encode(JSON.stringify(entry)));
      return {
        key: id,
        sha256: entry.storedAs,
        bytes: entry.bytes,
        createdAt: entry.createdAt,
        lastAccessedAt: entry.lastAccessedAt,
        expiresAt: entry.expiresAt,
        pinned: entry.pinned,
        iv,
        sealed,
      };
    },
    async decode(row: EntryRow): Promise<StoredEntry> {
      let entry: StoredEntry;
      try {
        const plaintext = await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: row.iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(row.key) },
          key,
          row.sealed as ArrayBuffer,
        );
        entry = JSON.parse(new TextDecoder().decode(plaintext)) as StoredEntry;
      } catch (error) {
        throw new VolumeCacheError('corrupt', 'An encrypted cache entry failed its authentication check.', { cause: error });
      }
      // The readable fields are the current ones (touch, pin and renew update them in place).
      for (const field of PLAIN_FIELDS) (entry as unknown as Record<string, unknown>)[field] = row[field];
      return entry;
    },
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
