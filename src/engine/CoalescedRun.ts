/**
 * A task that puts things right (evicting back under the budget), run no
 * more often than it needs to be: a call while a run waits to start joins
 * that run; a call while one runs queues exactly one rerun, because what the
 * running one read may already be out of date. Many memo() or decoded
 * writes at once thus cost two runs, not one each.
 */
export class CoalescedRun<T> {
  private waiting: Promise<T> | null = null;
  private running: Promise<T> | null = null;

  constructor(private readonly task: () => Promise<T>) {}

  run(): Promise<T> {
    if (this.waiting) return this.waiting;
    const previous = this.running ?? Promise.resolve();
    const next: Promise<T> = previous
      .catch(() => undefined)
      .then(() => {
        this.waiting = null;
        this.running = next;
        return this.task();
      })
      .finally(() => {
        if (this.running === next) this.running = null;
      });
    this.waiting = next;
    return next;
  }
}
