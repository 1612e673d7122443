import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRefreshScheduler } from '../../../src/ui/createRefreshScheduler';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A run that takes `ms` of fake time, counting starts. */
function slowRun(ms: number) {
  const run = vi.fn(() => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  return run;
}

describe('createRefreshScheduler', () => {
  it('collapses a burst of requests into one run, then one rerun', async () => {
    const run = slowRun(50);
    const scheduler = createRefreshScheduler(run, 100);
    for (let i = 0; i < 10; i++) scheduler.request();
    await vi.advanceTimersByTimeAsync(0);
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) scheduler.request();
    await vi.advanceTimersByTimeAsync(1000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('starts runs at least minIntervalMs apart', async () => {
    const run = slowRun(10);
    const scheduler = createRefreshScheduler(run, 250);
    scheduler.request();
    await vi.advanceTimersByTimeAsync(20);
    scheduler.request();
    await vi.advanceTimersByTimeAsync(200);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(50);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('flush() runs at once and resolves when a run that started after it has finished', async () => {
    const run = slowRun(30);
    const scheduler = createRefreshScheduler(run, 1000);
    let done = false;
    void scheduler.flush().then(() => (done = true));
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    // Asked during a run: resolves only after the rerun, which sees the latest state.
    let second = false;
    void scheduler.flush().then(() => (second = true));
    await vi.advanceTimersByTimeAsync(25);
    expect(done).toBe(true);
    expect(second).toBe(false);
    await vi.advanceTimersByTimeAsync(1100);
    expect(second).toBe(true);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('reports a failed run and keeps working', async () => {
    const errors: unknown[] = [];
    const run = vi.fn().mockRejectedValueOnce(new Error('closed')).mockResolvedValue(undefined);
    const scheduler = createRefreshScheduler(run, 0, (error) => errors.push(error));
    await scheduler.flush();
    await scheduler.flush();
    expect(errors).toHaveLength(1);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('does nothing after dispose(), and releases pending flushes', async () => {
    const run = slowRun(10);
    const scheduler = createRefreshScheduler(run, 100);
    scheduler.request();
    scheduler.dispose();
    await vi.advanceTimersByTimeAsync(500);
    expect(run).not.toHaveBeenCalled();
    await expect(scheduler.flush()).resolves.toBeUndefined();
  });
});
