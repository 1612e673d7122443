import { VolumeCacheError } from '../errors';

export interface MemoryLruOptions<T> {
  /** Called for each value pushed out to make room (not for delete(), clear() or replacement by set()). */
  onEvict?: (key: string, value: T) => void;
}

interface Slot<T> {
  value: T;
  bytes: number;
}

function validBytes(value: number, name: string): number {
  // Whole bytes only: sums of fractions would drift and break the budget check.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new VolumeCacheError('invalid-argument', `MemoryLru: ${name} must be a whole number of bytes >= 0 (got ${String(value)}).`);
  }
  return value;
}

/**
 * An in-memory least-recently-used cache with a byte budget: it never holds
 * more than `maxBytes` (the sizes callers declare), evicting the least
 * recently used values first. A value larger than the whole budget is not
 * stored. `get` and `set` count as use; `has` does not.
 */
export class MemoryLru<T> {
  /** Map iteration order is insertion order: oldest use first. */
  private readonly slots = new Map<string, Slot<T>>();
  private totalBytes = 0;
  readonly maxBytes: number;

  constructor(maxBytes: number, private readonly options: MemoryLruOptions<T> = {}) {
    this.maxBytes = validBytes(maxBytes, 'maxBytes');
  }

  /** Number of values held. */
  get size(): number {
    return this.slots.size;
  }

  /** Sum of the held values' declared bytes; never above maxBytes. */
  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string): T | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  has(key: string): boolean {
    return this.slots.has(key);
  }

  /**
   * Stores `value` as the most recently used, evicting as needed. Returns
   * false (and drops any older value under `key`, now stale) when `bytes`
   * exceeds the whole budget.
   */
  set(key: string, value: T, bytes: number): boolean {
    validBytes(bytes, 'bytes');
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.slots.set(key, { value, bytes });
    this.totalBytes += bytes;
    for (const [oldest, slot] of this.slots) {
      if (this.totalBytes <= this.maxBytes) break;
      this.slots.delete(oldest);
      this.totalBytes -= slot.bytes;
      this.options.onEvict?.(oldest, slot.value);
    }
    return true;
  }

  delete(key: string): boolean {
    const slot = this.slots.get(key);
    if (!slot) return false;
    this.slots.delete(key);
    this.totalBytes -= slot.bytes;
    return true;
  }

  clear(): void {
    this.slots.clear();
    this.totalBytes = 0;
  }
}
