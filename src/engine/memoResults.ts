import { transfer } from 'comlink';
import { VolumeCacheError } from '../errors';
import { derivedId } from '../metadata/derivedId';
import { storedName } from '../metadata/EntryCodec';
import { validateTtlSeconds } from '../metadata/validateConfig';
import type { MemoPayload } from '../protocol';
import { keepDerived } from './keepDerived';
import type { PartitionContext } from './PartitionContext';

/**
 * memo() results as the engine keeps them: derived results of kind "memo",
 * tied to the stored files of their sources (evicted with them) and counted
 * against the budget.
 */

/** A kept result, its bytes transferred to the page; null when there is none. `digest` is the page's memoKey(). */
export async function readMemo(partition: PartitionContext, digest: string): Promise<MemoPayload | null> {
  const hit = await partition.derived.get(derivedId('memo', digest), 'memo');
  if (!hit) return null;
  if (hit.data) {
    const { arrayType } = hit.value as { arrayType: string };
    return transfer({ kind: 'binary', arrayType, data: hit.data }, [hit.data]);
  }
  return { kind: 'value', value: (hit.value as { value: unknown }).value };
}

/** Keeps a result; a source not cached is the caller's mistake (invalid-argument). */
export async function writeMemo(
  partition: PartitionContext,
  digest: string,
  payload: MemoPayload,
  options: { sourceKeys: readonly string[]; ttlSeconds?: number },
): Promise<void> {
  if (options.ttlSeconds !== undefined) validateTtlSeconds(options.ttlSeconds);
  const sources: string[] = [];
  for (const key of options.sourceKeys) {
    const entry = await partition.store.get(key);
    if (!entry) throw new VolumeCacheError('invalid-argument', `memo source ${key} is not in the cache; cache it first, or leave it out of sources.`);
    sources.push(storedName(entry));
  }
  // A result that cannot fit beside its sources is not kept, and evicts nothing: memo() still returns it.
  await keepDerived(partition, {
    id: derivedId('memo', digest),
    kind: 'memo',
    sources,
    ttlSeconds: options.ttlSeconds ?? null,
    data: payload.kind === 'binary' ? payload.data : null,
    value: payload.kind === 'binary' ? { arrayType: payload.arrayType } : { value: payload.value },
  });
}

/** The keys among `keys` that have no entry (memo() refuses them as sources before computing). */
export async function uncachedKeys(partition: PartitionContext, keys: readonly string[]): Promise<string[]> {
  const uncached: string[] = [];
  for (const key of keys) if (!(await partition.store.get(key))) uncached.push(key);
  return uncached;
}
