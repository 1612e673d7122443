import { VolumeCacheError } from '../errors';
import { decryptInPlace, decryptToBlob } from '../encryption/readEncryptedFile';
import { storedSize } from '../encryption/chunkFormat';
import { storedName, type StoredEntry } from '../metadata/EntryCodec';
import type { CacheEntry } from '../types';
import { dropEntries } from './dropEntries';
import type { PartitionContext } from './PartitionContext';
import { sha256OfBlob } from './StreamingSha256';
import { volumeFileName } from './volumeFileName';

/**
 * The read path and its damage rules. A stored file that is missing while
 * its row still names it, or whose length (or, with verifyOnRead, hash) is
 * wrong, is damage: the entry is dropped (with every entry sharing the file)
 * and counted as corrupt, and the caller gets null, a miss. A file gone
 * because its row was evicted or replaced meanwhile is a miss, not damage.
 */

/** A File for the caller: over the stored bytes (sharing them on disk), named for what they are. */
export function fileFor(entry: Pick<CacheEntry, 'url' | 'contentType' | 'createdAt' | 'nifti'>, blob: Blob): File {
  // Viewers pick a decoder by extension: the name says whether the bytes are gzip.
  return new File([blob], volumeFileName(entry.url, entry.nifti?.compressed ?? null), { type: entry.contentType, lastModified: entry.createdAt });
}

/**
 * The stored file for an entry, or null (after dropping the entry) if it is
 * missing, damaged or cannot be read. In an encrypted partition the
 * plaintext is decrypted into memory a slice at a time (never one buffer,
 * so volumes past 2 GiB open), every chunk authenticated; ranges are read
 * without that (see openStoredFile, used by the service worker).
 */
export async function readEntryFile(partition: PartitionContext, entry: StoredEntry): Promise<File | null> {
  const stored = await openStoredFile(partition, entry);
  if (!stored) return null;
  const key = partition.encryptionKey;
  if (!key) return fileFor(entry, stored);
  try {
    const plaintext = await decryptToBlob(stored, key, entry.bytes);
    if (partition.verifyOnRead && (await sha256OfBlob(plaintext)) !== entry.sha256) throw new VolumeCacheError('corrupt', 'hash mismatch');
    return fileFor(entry, plaintext);
  } catch (error) {
    if (!isDamage(error)) throw error;
    await dropDamaged(partition, entry, true);
    return null;
  }
}

/**
 * A read that failed because of the stored file itself: `corrupt`, or a file
 * the browser cannot read (NotReadableError, or NotFoundError for one
 * removed behind the browser's back). Stored files never change once
 * written, and a lease keeps other tabs from removing one being read, so
 * neither is passing: such an entry would fail every read, and is dropped.
 */
function isDamage(error: unknown): boolean {
  if (error instanceof VolumeCacheError) return error.code === 'corrupt';
  return error instanceof DOMException && (error.name === 'NotReadableError' || error.name === 'NotFoundError');
}

/**
 * The stored bytes of an entry as on disk (encrypted or not), after the
 * checks that need no key. With `reuseRecent`, a file this context opened
 * and checked moments ago under a still-held lease is returned as it is.
 */
export async function openStoredFile(partition: PartitionContext, entry: StoredEntry, { reuseRecent = false } = {}): Promise<Blob | null> {
  const { leases, encryptionKey, verifyOnRead } = partition;
  const name = storedName(entry);
  // Leased first: from here until the lease ends no tab removes the file under the reader.
  await leases.hold(name);
  const reuse = reuseRecent && !verifyOnRead;
  const recent = reuse ? leases.recentlyOpened(name, partition.reuseOpenedFileMs) : null;
  if (recent) return recent;
  const blob = await partition.files.readBlob(name);
  if (!blob && !(await isCurrent(partition, entry))) return null; // Evicted or replaced since the row was read: a miss, not damage.
  let damaged = blob === null || blob.size !== (encryptionKey ? storedSize(entry.bytes) : entry.bytes);
  if (!damaged && verifyOnRead && blob && !encryptionKey) damaged = (await sha256OfBlob(blob)) !== entry.sha256;
  if (damaged || !blob) {
    await dropDamaged(partition, entry, blob !== null);
    return null;
  }
  if (reuse) leases.keepOpened(name, blob);
  return blob;
}

/**
 * An entry's bytes read straight into the buffer that will be transferred
 * (decrypted in place when encrypted), with no File or Blob in between: for
 * an encrypted entry that copy cost more than the decryption. Null for
 * anything but an intact file (no damage is handled here: the caller falls
 * back to readEntryFile, which does that).
 */
export async function readStoredBytes(partition: PartitionContext, entry: StoredEntry): Promise<ArrayBuffer | null> {
  const { encryptionKey } = partition;
  const name = storedName(entry);
  await partition.leases.hold(name);
  const buffer = await partition.files.readBlobBytes(name);
  if (!buffer || buffer.byteLength !== (encryptionKey ? storedSize(entry.bytes) : entry.bytes)) return null;
  if (!encryptionKey) return buffer;
  try {
    return await decryptInPlace(buffer, encryptionKey, entry.bytes);
  } catch (error) {
    if (error instanceof VolumeCacheError && error.code === 'corrupt') return null;
    throw error;
  }
}

/** Drops a damaged entry (and, when its file exists, every entry sharing the file) and counts it. */
export async function dropDamaged(partition: PartitionContext, entry: StoredEntry, fileExists: boolean): Promise<void> {
  await dropEntries(partition, [entry.key], { removeFilesEvenIfShared: fileExists });
  await partition.addTotals({ corrupt: 1 });
}

/** Whether the row for `entry`'s key still names the same stored file. */
async function isCurrent(partition: PartitionContext, entry: StoredEntry): Promise<boolean> {
  const row = await partition.store.get(entry.key);
  return row !== undefined && storedName(row) === storedName(entry);
}
