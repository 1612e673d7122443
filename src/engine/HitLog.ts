import type { StoredEntry } from '../metadata/EntryCodec';
import type { CacheTotals } from '../metadata/MetadataStore';
import type { CacheEntry } from '../types';
import type { PartitionContext } from './PartitionContext';
import type { UseClock } from './UseClock';

/**
 * Hits written down after the answer has gone: an entry's last access and
 * the totals are two readwrite transactions, about half of a warm get.
 * Whatever reads or acts on them (eviction, stats, entries) waits for
 * settled() first; other tabs see them a moment later.
 */
export class HitLog {
  private recorded: Promise<void> = Promise.resolve();

  constructor(
    /** Stamps uses in order, whatever the wall clock does (see UseClock). */
    private readonly clock: UseClock,
    /** The partition while it is open; null without storage or once closed. */
    private readonly partition: () => PartitionContext | null,
    private readonly addTotals: (delta: Partial<CacheTotals>) => Promise<void>,
  ) {}

  /** Records a hit served from `entry`; returns the entry as it will read, with its new last access. */
  count(entry: StoredEntry): StoredEntry {
    this.clock.observe(entry.lastAccessedAt); // another tab may have stamped it later than this one knows
    const accessedAt = this.clock.next();
    this.recorded = this.recorded
      .then(async () => {
        await this.touch(entry, accessedAt);
        await this.addTotals({ hits: 1, bytesFromCache: entry.bytes });
      })
      .catch(() => undefined);
    return { ...entry, lastAccessedAt: accessedAt };
  }

  /** Resolves once every hit counted so far is written down. */
  settled(): Promise<void> {
    return this.recorded;
  }

  /** Marks `entry` used now (or at `at`) without counting a hit; the entry as stored. */
  async touch(entry: CacheEntry, at = this.clock.next()): Promise<CacheEntry> {
    const partition = this.partition();
    if (!partition) return entry;
    return (await partition.store.update(entry.key, (row) => ({ ...row, lastAccessedAt: at }))) ?? entry;
  }
}
