/** What removing stored files needs from the engine. */
export interface StoredFileRemovalDeps {
  /** Deletes the stored file `name` (no error if it is already gone). */
  removeFile(name: string): Promise<void>;
  /** Runs `remove` only if no tab holds a read lease on `name`; true if it ran. */
  removeUnlessLeased(name: string, remove: () => Promise<void>): Promise<boolean>;
  /** Whether a row names `name` again (the same bytes were stored again meanwhile). */
  isReferenced(name: string): Promise<boolean>;
  /** Runs `task` under the engine's commit lock, so no commit races a retry. */
  underCommitLock(task: () => Promise<void>): Promise<void>;
}

/**
 * Removes stored files that no row references any more. A file someone is
 * reading (a read lease, in any tab) is not pulled from under them: it waits,
 * as an orphan a sweep would also find, and is tried again on a timer until
 * its leases end, so a File handed out stays readable for as long as its
 * lease promised.
 */
export class StoredFileRemovals {
  private readonly waiting = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  /**
   * A quarter of a lease: a waiting file goes soon after its last lease ends,
   * without polling the lock manager more often than every 250 ms or leaving
   * a file behind for more than 30 s.
   */
  private readonly retryMs: number;

  constructor(
    private readonly deps: StoredFileRemovalDeps,
    fileLeaseMs: number,
  ) {
    this.retryMs = Math.min(30_000, Math.max(250, fileLeaseMs / 4));
  }

  /**
   * Removes `name` now, or, if it is leased, once its leases end. `evenIfRead`
   * removes it at once regardless (a damaged file must not be handed out or
   * reused while it waits).
   */
  async remove(name: string, options: { evenIfRead?: boolean } = {}): Promise<void> {
    if (options.evenIfRead) {
      await this.deps.removeFile(name);
      this.waiting.delete(name);
      return;
    }
    if (await this.deps.removeUnlessLeased(name, () => this.deps.removeFile(name))) {
      this.waiting.delete(name);
      return;
    }
    this.waiting.add(name);
    if (!this.closed) this.timer ??= setTimeout(() => void this.retry(), this.retryMs);
  }

  /** Whether `name` is still stored only because someone holds a lease on it. */
  isWaiting(name: string): boolean {
    return this.waiting.has(name);
  }

  /** Stops retrying; files still waiting stay for the next sweep to find. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async retry(): Promise<void> {
    this.timer = undefined;
    if (this.closed) return;
    await this.deps
      .underCommitLock(async () => {
        for (const name of [...this.waiting]) {
          if (this.closed || (await this.deps.isReferenced(name))) this.waiting.delete(name);
          else await this.remove(name);
        }
      })
      // A failed retry leaves the file an orphan: the next sweep removes it.
      .catch(() => undefined);
  }
}
