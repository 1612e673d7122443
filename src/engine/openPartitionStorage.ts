import { VolumeCacheError } from '../errors';
import { createKeyCheck, keyMatches } from '../encryption/keyCheck';
import { createSealedEntryCodec } from '../encryption/sealedEntryCodec';
import { MetadataStore } from '../metadata/MetadataStore';
import { PartitionFiles } from '../storage/PartitionFiles';
import type { MissingCapability } from '../types';
import type { EnginePlatform } from './EnginePlatform';

export interface PartitionStorage {
  /** null where IndexedDB could not be opened. */
  store: MetadataStore | null;
  /** null where OPFS is missing or could not be opened. */
  files: PartitionFiles | null;
  /** What could not be used, in the order it was found. */
  missing: MissingCapability[];
}

/**
 * Opens a partition's database and folder, each as far as this context
 * allows; what it cannot open is named in `missing`, not thrown, so the
 * engine can still serve the network. A wrong key is thrown (key-mismatch):
 * that is the caller's mistake, and nothing is opened.
 */
export async function openPartitionStorage(
  platform: Pick<EnginePlatform, 'getDirectory' | 'locks'>,
  partition: string,
  encryptionKey: CryptoKey | null,
): Promise<PartitionStorage> {
  const missing: MissingCapability[] = [];
  let store: MetadataStore | null = null;
  let files: PartitionFiles | null = null;
  try {
    store = await MetadataStore.open(partition, encryptionKey ? createSealedEntryCodec(encryptionKey) : undefined);
  } catch {
    missing.push('indexeddb');
  }
  if (store) {
    try {
      await checkPartitionKey(store, encryptionKey);
    } catch (error) {
      store.close();
      throw error;
    }
  }
  if (!platform.getDirectory) {
    missing.push('opfs');
  } else {
    try {
      files = await PartitionFiles.open(platform.getDirectory, partition, platform.locks);
      if (!files.canUseSyncAccess) missing.push('sync-access-handle');
    } catch {
      missing.push('opfs');
    }
  }
  return { store, files, missing };
}

/**
 * A partition is encrypted or not for life: opening it with a key it was not
 * made with, or without the key it was made with, fails with key-mismatch
 * before anything is read, never with garbage.
 */
async function checkPartitionKey(store: MetadataStore, key: CryptoKey | null): Promise<void> {
  const check = await store.getKeyCheck();
  if (key) {
    if (check) {
      if (!(await keyMatches(key, check))) throw new VolumeCacheError('key-mismatch', 'This partition was encrypted with a different key.');
      return;
    }
    if ((await store.countEntries()) > 0) throw new VolumeCacheError('key-mismatch', 'This partition holds unencrypted entries; it cannot be opened with a key.');
    await store.putKeyCheck(await createKeyCheck(key));
    return;
  }
  if (check) throw new VolumeCacheError('key-mismatch', 'This partition is encrypted; open it with its key.');
}
