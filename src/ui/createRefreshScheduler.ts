export interface RefreshScheduler {
  /** Asks for a refresh; requests made while one runs collapse into one rerun. */
  request(): void;
  /** Runs a refresh now (or right after the running one) and resolves when the data is current. */
  flush(): Promise<void>;
  dispose(): void;
}

/**
 * Coalesces refresh requests: change broadcasts arrive in bursts (every
 * progress tick of every tab), but one stats() + entries() round trip at a
 * time is enough. At most one run is in flight; requests during a run set a
 * rerun flag; runs start at least `minIntervalMs` apart.
 */
export function createRefreshScheduler(run: () => Promise<void>, minIntervalMs: number, onError: (error: unknown) => void = () => undefined): RefreshScheduler {
  let running: Promise<void> | null = null;
  let rerun = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastStart = -Infinity;
  let disposed = false;
  let waiters: (() => void)[] = [];

  const start = (): Promise<void> => {
    timer = null;
    rerun = false;
    lastStart = Date.now();
    const settled = waiters;
    waiters = [];
    running = run()
      .catch(onError)
      .finally(() => {
        running = null;
        for (const resolve of settled) resolve();
        if (rerun && !disposed) schedule();
      });
    return running;
  };

  const schedule = (): void => {
    if (disposed) return;
    if (running) {
      rerun = true;
      return;
    }
    if (timer !== null) return;
    const wait = Math.max(0, lastStart + minIntervalMs - Date.now());
    timer = setTimeout(() => void start(), wait);
  };

  return {
    request: schedule,
    flush() {
      if (disposed) return Promise.resolve();
      const done = new Promise<void>((resolve) => waiters.push(resolve));
      if (running) rerun = true;
      else {
        if (timer !== null) clearTimeout(timer);
        void start();
      }
      return done;
    },
    dispose() {
      disposed = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      for (const resolve of waiters) resolve();
      waiters = [];
    },
  };
}
