/**
 * Serialises commits and evictions of one partition: within this context by
 * a promise chain, across tabs, workers and the service worker by a Web Lock
 * when the browser has them. A failed task does not break the chain.
 */
export class CommitLock {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly locks: LockManager | null,
    private readonly lockName: string,
  ) {}

  run<T>(task: () => Promise<T>): Promise<T> {
    const run = (): Promise<T> => (this.locks ? this.locks.request(this.lockName, task) : task());
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }
}
