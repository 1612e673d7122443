/**
 * Work the engine does for itself (thumbnails), run one job at a time and
 * only while no foreground call (a get, a read the page waits for) is
 * running: a background decode must never stand between a viewer and its
 * bytes. Jobs are keyed, so asking twice for the same one queues it once.
 */
export class BackgroundJobs {
  private foregroundCalls = 0;
  private readonly wakeWhenIdle: (() => void)[] = [];
  private readonly pending = new Map<string, () => Promise<void | 'nothing-to-do'>>();
  private running = false;
  /** The job running now, if any: stop() waits for it. */
  private current: Promise<unknown> | null = null;
  private done = 0;
  private failed = 0;

  /** `isOpen` false stops the queue: nothing more starts. */
  constructor(private readonly isOpen: () => boolean) {}

  /** Marks a foreground call as running; call what it returns when it ends (once is enough, twice is harmless). */
  enterForeground(): () => void {
    this.foregroundCalls++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.foregroundCalls--;
      if (this.foregroundCalls === 0) for (const wake of this.wakeWhenIdle.splice(0)) wake();
    };
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /**
   * Queues `job` under `id` unless one with that id is waiting or running.
   * A job that throws counts as failed; one that resolves to `'nothing-to-do'`
   * (it found its work already done) counts as neither.
   */
  add(id: string, job: () => Promise<void | 'nothing-to-do'>): void {
    if (this.pending.has(id)) return;
    this.pending.set(id, job);
    void this.drain();
  }

  /** Drops every job not yet started (one running finishes, and is counted). */
  clear(): void {
    this.pending.clear();
  }

  /**
   * Drops every job not yet started and resolves once the one running, if
   * any, has settled: before its partition's files are removed under it
   * (a thumbnail still writing holds its file open, and the removal fails).
   */
  async stop(): Promise<void> {
    this.pending.clear();
    await this.current?.catch(() => undefined);
  }

  counts(): { pending: number; done: number; failed: number } {
    return { pending: this.pending.size, done: this.done, failed: this.failed };
  }

  /** Resolves when no foreground call runs, then yields once more so one that is about to start goes first. */
  private async whenIdle(): Promise<void> {
    while (this.foregroundCalls > 0) await new Promise<void>((resolve) => this.wakeWhenIdle.push(resolve));
    await new Promise((resolve) => setTimeout(resolve, 0));
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.pending.size > 0 && this.isOpen()) {
        await this.whenIdle();
        // Cleared or closed while waiting.
        const next = this.pending.entries().next();
        if (next.done || !this.isOpen()) break;
        const [id, job] = next.value;
        const running = job();
        this.current = running;
        try {
          if ((await running) !== 'nothing-to-do') this.done++;
        } catch {
          this.failed++;
        } finally {
          this.current = null;
          this.pending.delete(id);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
