/**
 * Read leases on stored files, shared across every tab, worker and the
 * service worker of an origin through Web Locks.
 *
 * A File taken from OPFS stops being readable once its file is removed or
 * moved, and a tab cannot know when another tab's viewer is done with one.
 * So whoever hands out a stored file holds a shared lock on its name for a
 * while, and whoever removes a stored file first asks for that lock
 * exclusively without waiting: if anyone reads, the removal is left for
 * later. Readers never wait behind a queued remover, because removers never
 * queue.
 */
export class ReadLeases {
  private readonly held = new Map<string, Lease>();

  constructor(
    private readonly locks: LockManager | null,
    /** Distinguishes partitions: `volume-cache:<partition>:read:`. */
    private readonly prefix: string,
    private readonly leaseMs: number,
    /** The partition's clock; leases still end on real timers, waiting out the difference it gives. */
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Holds a shared lease on `name` for the lease time from now, extending one
   * already held here. Resolves once the lease is held, so a file opened
   * afterwards cannot be removed while the lease lasts.
   */
  async hold(name: string): Promise<void> {
    if (!this.locks) return;
    const expiresAt = this.now() + this.leaseMs;
    const current = this.held.get(name);
    // A lease whose time is up may not have released its lock yet; it cannot be extended any more.
    if (current && !current.over) {
      current.expiresAt = Math.max(current.expiresAt, expiresAt);
      return current.acquired;
    }
    const lease = new Lease(expiresAt, this.now);
    this.held.set(name, lease);
    lease.acquired = new Promise<void>((acquired, failed) => {
      this.locks!
        .request(this.prefix + name, { mode: 'shared' }, () => {
          acquired();
          return lease.untilExpired();
        })
        .catch(failed)
        .finally(() => {
          if (this.held.get(name) === lease) this.held.delete(name);
        });
    });
    return lease.acquired;
  }

  /**
   * Runs `remove` now unless a lease on `name` is held anywhere; returns
   * whether it ran. The exclusive lock is held while removing, so no reader
   * can take a lease half-way through.
   */
  async removeUnlessLeased(name: string, remove: () => Promise<void>): Promise<boolean> {
    if (!this.locks) {
      await remove();
      return true;
    }
    return this.locks.request(this.prefix + name, { mode: 'exclusive', ifAvailable: true }, async (lock) => {
      if (!lock) return false;
      await remove();
      return true;
    });
  }

  /**
   * The file last opened under the lease held here on `name`, if that was at
   * most `maxAgeMs` ago. The lease has been unbroken since, so nobody removed
   * or replaced the file in between; reusing it spares a file open per request
   * when a viewer asks for many ranges of one volume.
   */
  recentlyOpened(name: string, maxAgeMs: number): Blob | null {
    const opened = this.held.get(name)?.opened;
    return opened && this.now() - opened.at <= maxAgeMs ? opened.file : null;
  }

  /** Remembers `file` as opened now under the lease held here on `name` (forgotten when the lease ends). */
  keepOpened(name: string, file: Blob): void {
    const lease = this.held.get(name);
    if (lease && !lease.over) lease.opened = { file, at: this.now() };
  }

  /** Ends every lease held here (the cache is closing). */
  releaseAll(): void {
    for (const lease of this.held.values()) lease.end();
    this.held.clear();
  }
}

class Lease {
  acquired: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private finish: () => void = () => undefined;
  private ended = false;
  /** Set the moment the lease stops protecting (its lock is then being released). */
  over = false;
  /** A file opened while this lease protected it (see ReadLeases.recentlyOpened). */
  opened: { file: Blob; at: number } | null = null;

  constructor(
    public expiresAt: number,
    private readonly now: () => number,
  ) {}

  /** Settles at the expiry time, re-armed when a later hold() extends it. */
  untilExpired(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.finish = () => {
        this.over = true;
        this.opened = null;
        clearTimeout(this.timer);
        resolve();
      };
      const wait = (): void => {
        if (this.ended) return this.finish();
        const left = this.expiresAt - this.now();
        if (left <= 0) return this.finish();
        this.timer = setTimeout(wait, left);
      };
      wait();
    });
  }

  end(): void {
    this.ended = true;
    this.over = true;
    this.opened = null;
    this.finish();
  }
}
