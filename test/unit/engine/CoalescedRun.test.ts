import { describe, expect, it } from 'vitest';
import { CoalescedRun } from '../../../src/engine/CoalescedRun';

/** A task whose runs are counted and each held until released. */
function heldTask() {
  const releases: (() => void)[] = [];
  let runs = 0;
  const task = async (): Promise<number> => {
    const run = ++runs;
    await new Promise<void>((resolve) => releases.push(resolve));
    return run;
  };
  return { task, releases, runs: () => runs };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('CoalescedRun', () => {
  it('runs at once when idle', async () => {
    const held = heldTask();
    const run = new CoalescedRun(held.task);
    const first = run.run();
    await settle();
    expect(held.runs()).toBe(1);
    held.releases[0]!();
    await expect(first).resolves.toBe(1);
  });

  it('queues one rerun for every call made while a run is going, all joining it', async () => {
    const held = heldTask();
    const run = new CoalescedRun(held.task);
    const first = run.run();
    await settle();
    const rerunCalls = [run.run(), run.run(), run.run()];
    await settle();
    expect(held.runs()).toBe(1);
    held.releases[0]!();
    await expect(first).resolves.toBe(1);
    await settle();
    expect(held.runs()).toBe(2);
    held.releases[1]!();
    expect(await Promise.all(rerunCalls)).toEqual([2, 2, 2]);
    expect(held.runs()).toBe(2);
  });

  it('reruns after a failed run, and the failure reaches only its own callers', async () => {
    let runs = 0;
    const run = new CoalescedRun(async () => {
      runs += 1;
      if (runs === 1) throw new Error('first run failed');
      return runs;
    });
    const first = run.run();
    const second = run.run(); // joins the first: it has not started yet
    await expect(first).rejects.toThrow('first run failed');
    await expect(second).rejects.toThrow('first run failed');
    await expect(run.run()).resolves.toBe(2);
  });
});
