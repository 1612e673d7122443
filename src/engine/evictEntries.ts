import { storedName, type StoredEntry } from '../metadata/EntryCodec';
import { selectEviction, type EvictionPlan, type EvictionReason } from '../metadata/selectEviction';
import { CoalescedRun } from './CoalescedRun';
import type { QuotaShortfall } from './downloadVolume';
import { dropEntries } from './dropEntries';
import type { PartitionContext } from './PartitionContext';

/**
 * The one place entries are evicted: selectEviction() decides, this applies
 * it (rows first, then files, see dropEntries). The caller holds the commit
 * lock. Under quota pressure, room for the download in hand beats a lease on
 * a file already handed out.
 */
export async function evictEntries(partition: PartitionContext, reason: EvictionReason, exceptKey?: string): Promise<EvictionPlan> {
  await partition.hitsRecorded(); // least recently used means as of every hit answered
  const all = (await partition.store.all()).filter((entry) => entry.key !== exceptKey);
  // The budget counts what derives from each file; quota pressure counts files only, as it takes every unpinned one.
  const { entries, maxBytes } = reason.kind === 'quota' ? { entries: byStoredFile(all), maxBytes: 0 } : await budgetView(partition, all);
  const plan = selectEviction(entries, maxBytes, reason);
  if (plan.evictKeys.length > 0) {
    await dropEntries(partition, plan.evictKeys, { evenIfRead: reason.kind === 'quota' });
    await partition.addTotals({ evictions: plan.evictKeys.length });
  }
  return plan;
}

/**
 * After a QuotaExceededError: frees what the download still has to write,
 * oldest entries first; true if it did (the write is then retried once).
 * A download that could not be kept anyway (larger than maxBytes) and one
 * that eviction cannot make room for evict nothing.
 */
export async function evictForQuota(partition: PartitionContext, shortfall: Pick<QuotaShortfall, 'totalBytes' | 'keptBytes'>): Promise<boolean> {
  const budget = partition.maxBytes();
  if (shortfall.totalBytes !== null && shortfall.totalBytes > budget) return false;
  // A body of unknown length is capped at the budget (see maxUnknownLengthBytes).
  const neededBytes = Math.max(1, (shortfall.totalBytes ?? budget) - shortfall.keptBytes);
  await partition.hitsRecorded();
  return partition.withCommitLock(async () => (await evictEntries(partition, { kind: 'quota', neededBytes })).evictKeys.length > 0);
}

/** Budget runs by partition: one waiting at most, joined by every call that comes meanwhile. */
const budgetRuns = new WeakMap<PartitionContext, CoalescedRun<number>>();

/**
 * Evicts back under maxBytes (after configure(), a memo or a decoded copy);
 * returns how many entries went in the run this call joined.
 */
export function enforceBudget(partition: PartitionContext): Promise<number> {
  let runs = budgetRuns.get(partition);
  if (!runs) {
    runs = new CoalescedRun(async () => {
      await partition.hitsRecorded();
      return partition.withCommitLock(async () => (await evictEntries(partition, { kind: 'budget' })).evictKeys.length);
    });
    budgetRuns.set(partition, runs);
  }
  return runs.run();
}

/**
 * Entries as the budget sees them: by stored file, each carrying the bytes
 * of what was derived from it (evicted with it), and the budget less what
 * derives from no entry.
 */
async function budgetView(partition: PartitionContext, entries: readonly StoredEntry[]): Promise<{ entries: StoredEntry[]; maxBytes: number }> {
  const { bySource, unattached } = await partition.derived.bytesBySource();
  return {
    entries: byStoredFile(entries).map((entry) => ({ ...entry, bytes: entry.bytes + (bySource.get(entry.sha256) ?? 0) })),
    maxBytes: Math.max(0, partition.maxBytes() - unattached),
  };
}

/** Entries with sha256 as the stored file's name (encrypted partitions name files apart from the content hash). */
export function byStoredFile(entries: readonly StoredEntry[]): StoredEntry[] {
  return entries.map((entry) => ({ ...entry, sha256: storedName(entry) }));
}
