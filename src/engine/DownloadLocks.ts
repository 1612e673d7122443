import { VolumeCacheError } from '../errors';
import { downloadLockName } from './downloadLockName';

/**
 * A Web Lock named after the key is held while a volume downloads, so the
 * service worker and other tabs wait for that download instead of starting
 * their own. Without Web Locks, downloads are shared per context only.
 */
export class DownloadLocks {
  constructor(
    private readonly locks: LockManager | null,
    private readonly partition: string,
  ) {}

  /** Runs `task` holding the lock of `key`; an abort while waiting for it is an `aborted` error. */
  hold<T>(key: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    if (!this.locks) return task();
    return this.locks.request(downloadLockName(this.partition, key), { signal }, task).catch((error: unknown) => {
      if (signal.aborted && error instanceof DOMException && error.name === 'AbortError') {
        throw new VolumeCacheError('aborted', 'The download was aborted while waiting for another one of the same volume.');
      }
      throw error;
    });
  }

  /** Settles once no context holds the lock of `key` (at once without Web Locks). */
  async waitFor(key: string): Promise<void> {
    if (!this.locks) return;
    await this.locks.request(downloadLockName(this.partition, key), async () => undefined);
  }
}
