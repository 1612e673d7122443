import { storedName } from '../metadata/EntryCodec';
import type { PartitionContext } from './PartitionContext';

export interface DropOptions {
  /** The entries' file is damaged: remove it even if other entries share it (they go too). */
  removeFilesEvenIfShared?: boolean;
  /** Remove files at once even while a File handed out still reads them (quota pressure). */
  evenIfRead?: boolean;
}

/**
 * Removes rows first, then files no row references: a reader that finds a
 * row can then always open its file, and a crash between the two steps
 * leaves only an orphan file, which the next sweep removes.
 */
export async function dropEntries(partition: PartitionContext, keys: readonly string[], options: DropOptions = {}): Promise<void> {
  if (keys.length === 0) return;
  const { store, removals, derived } = partition;
  const rows = options.removeFilesEvenIfShared ? await Promise.all(keys.map((key) => store.get(key))) : [];
  const unreferenced = await store.delete(keys);
  const hashes = new Set(unreferenced);
  const dropped = new Set(keys);
  if (options.removeFilesEvenIfShared) {
    // A damaged file is damaged for every entry that shares it.
    for (const row of rows) if (row) hashes.add(storedName(row));
    if (hashes.size > 0) {
      const sharing = (await store.all()).filter((entry) => hashes.has(storedName(entry))).map((entry) => entry.key);
      if (sharing.length > 0) await store.delete(sharing);
      for (const key of sharing) dropped.add(key);
    }
  }
  // A damaged file goes at once: it would be reused by the next download of the same bytes.
  const evenIfRead = options.evenIfRead === true || options.removeFilesEvenIfShared === true;
  for (const name of hashes) await removals.remove(name, { evenIfRead });
  // What was derived from a file goes with it: no decoded copy or thumbnail outlives its source.
  await derived.dropForSources([...hashes]);
  // Every row that went, those that shared a damaged file too: subscribers list entries from this.
  partition.changes.post({ type: 'entries', keys: [...dropped] });
}
