import { VolumeCacheError } from '../errors';
import type { PartitionContext } from './PartitionContext';

/**
 * Refuses to write plaintext into a partition another context has since
 * encrypted: a cache opened without a key on a fresh partition, while a tab
 * opened with a key wrote the key check, would otherwise keep storing volumes
 * unencrypted where the application asked for encryption. Called before a
 * download and again under the commit lock, before any row or file is kept.
 * (A keyed context made or checked the key check when it opened; a keyless
 * one opened only where there was none.)
 */
export async function assertPartitionKey(partition: PartitionContext): Promise<void> {
  if (partition.encryptionKey) return;
  if (await partition.store.getKeyCheck()) {
    throw new VolumeCacheError('key-mismatch', 'This partition has been encrypted by another tab since this cache opened; open it with its key.');
  }
}
