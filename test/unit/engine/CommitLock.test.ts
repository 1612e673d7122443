import { describe, expect, it } from 'vitest';
import { CommitLock } from '../../../src/engine/CommitLock';

describe('CommitLock', () => {
  it('runs tasks one at a time, in the order they came, a failure not breaking the chain', async () => {
    const lock = new CommitLock(null, 'volume-cache:p:commit');
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = lock.run(async () => {
      order.push('first starts');
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push('first ends');
      return 1;
    });
    const failing = lock.run(async () => {
      order.push('second runs');
      throw new Error('boom');
    });
    const third = lock.run(async () => {
      order.push('third runs');
      return 3;
    });
    await Promise.resolve();
    expect(order).toEqual(['first starts']);
    releaseFirst();
    await expect(first).resolves.toBe(1);
    await expect(failing).rejects.toThrow('boom');
    await expect(third).resolves.toBe(3);
    expect(order).toEqual(['first starts', 'first ends', 'second runs', 'third runs']);
  });

  it('holds the named Web Lock around each task, so other tabs are serialised too', async () => {
    const requested: string[] = [];
    const locks = {
      request: (name: string, task: () => Promise<unknown>) => {
        requested.push(name);
        return task();
      },
    } as unknown as LockManager;
    const lock = new CommitLock(locks, 'volume-cache:p:commit');
    await lock.run(async () => 'a');
    await lock.run(async () => 'b');
    expect(requested).toEqual(['volume-cache:p:commit', 'volume-cache:p:commit']);
  });
});
