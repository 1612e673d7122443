import { describe, expect, it } from 'vitest';
import { MEMORY_LOCKS_CLIENT_ID, createMemoryLocks } from './memoryLocks';

/** A lock request whose callback holds the lock until the test releases it. */
function hold(locks: LockManager, name: string, options: LockOptions = {}) {
  const granted = deferred<Lock | null>();
  const released = deferred<void>();
  const settled = locks.request(name, options, async (lock) => {
    granted.resolve(lock);
    await released.promise;
    return `released ${name}`;
  }).then(
    (value: unknown) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  return { granted: granted.promise, settled, release: () => released.resolve() };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Held and pending locks as `name mode`, in the lock manager's order. */
async function snapshot(locks: LockManager): Promise<{ held: string[]; pending: string[] }> {
  const { held = [], pending = [] } = await locks.query();
  return { held: held.map((lock) => `${lock.name} ${lock.mode}`), pending: pending.map((lock) => `${lock.name} ${lock.mode}`) };
}

describe('createMemoryLocks', () => {
  it('grants one exclusive lock of a name at a time, in request order; other names do not wait', async () => {
    const locks = createMemoryLocks();
    const first = hold(locks, 'a');
    const second = hold(locks, 'a');
    const other = hold(locks, 'b');
    expect(await first.granted).toEqual({ name: 'a', mode: 'exclusive' });
    expect(await other.granted).toEqual({ name: 'b', mode: 'exclusive' });
    expect(await snapshot(locks)).toEqual({ held: ['a exclusive', 'b exclusive'], pending: ['a exclusive'] });

    first.release();
    expect(await first.settled).toEqual({ ok: true, value: 'released a' });
    expect(await second.granted).toEqual({ name: 'a', mode: 'exclusive' });
    second.release();
    other.release();
    await Promise.all([second.settled, other.settled]);
    expect(await snapshot(locks)).toEqual({ held: [], pending: [] });
  });

  it('grants shared locks together; an exclusive one waits for all of them, and shared ones queued behind it wait for it', async () => {
    const locks = createMemoryLocks();
    const readers = [hold(locks, 'f', { mode: 'shared' }), hold(locks, 'f', { mode: 'shared' })];
    const writer = hold(locks, 'f');
    const lateReader = hold(locks, 'f', { mode: 'shared' });
    await Promise.all(readers.map((reader) => reader.granted));
    expect(await snapshot(locks)).toEqual({ held: ['f shared', 'f shared'], pending: ['f exclusive', 'f shared'] });

    readers[0]!.release();
    await readers[0]!.settled;
    expect(await snapshot(locks)).toEqual({ held: ['f shared'], pending: ['f exclusive', 'f shared'] });
    readers[1]!.release();
    expect(await writer.granted).toEqual({ name: 'f', mode: 'exclusive' });
    expect(await snapshot(locks)).toEqual({ held: ['f exclusive'], pending: ['f shared'] });
    writer.release();
    expect(await lateReader.granted).toEqual({ name: 'f', mode: 'shared' });
    lateReader.release();
    await lateReader.settled;
  });

  it.each([
    ['an exclusive lock is held', 'exclusive', 'shared'],
    ['a shared lock is held', 'shared', 'exclusive'],
  ] as const)('with ifAvailable calls back with null, and queues nothing, when %s and the request conflicts', async (_case, heldMode, askedMode) => {
    const locks = createMemoryLocks();
    const holder = hold(locks, 'x', { mode: heldMode });
    await holder.granted;
    const seen: (Lock | null)[] = [];
    const result = await locks.request('x', { mode: askedMode, ifAvailable: true }, (lock) => {
      seen.push(lock);
      return 'ran';
    });
    expect(seen).toEqual([null]);
    expect(result).toBe('ran');
    expect(await snapshot(locks)).toEqual({ held: [`x ${heldMode}`], pending: [] });
    holder.release();
    await holder.settled;
  });

  it('with ifAvailable grants a free lock, and a shared one beside shared holders', async () => {
    const locks = createMemoryLocks();
    expect(await locks.request('free', { ifAvailable: true }, (lock) => lock)).toEqual({ name: 'free', mode: 'exclusive' });
    const reader = hold(locks, 'r', { mode: 'shared' });
    await reader.granted;
    expect(await locks.request('r', { mode: 'shared', ifAvailable: true }, (lock) => lock)).toEqual({ name: 'r', mode: 'shared' });
    reader.release();
    await reader.settled;
  });

  it('with ifAvailable does not let a shared request past a queued exclusive one', async () => {
    const locks = createMemoryLocks();
    const reader = hold(locks, 'q', { mode: 'shared' });
    const writer = hold(locks, 'q');
    await reader.granted;
    expect(await locks.request('q', { mode: 'shared', ifAvailable: true }, (lock) => lock)).toBeNull();
    reader.release();
    await writer.granted;
    writer.release();
    await writer.settled;
  });

  it('takes a queued request out when its signal aborts, rejecting with the reason, and grants the next', async () => {
    const locks = createMemoryLocks();
    const holder = hold(locks, 's', { mode: 'shared' });
    const controller = new AbortController();
    const cancelled = hold(locks, 's', { signal: controller.signal });
    const behind = hold(locks, 's', { mode: 'shared' });
    await holder.granted;
    expect(await snapshot(locks)).toEqual({ held: ['s shared'], pending: ['s exclusive', 's shared'] });

    const reason = new Error('gave up');
    controller.abort(reason);
    expect(await cancelled.settled).toEqual({ ok: false, error: reason });
    // The exclusive request that blocked it is gone, so the shared one behind joins the holder.
    expect(await behind.granted).toEqual({ name: 's', mode: 'shared' });
    expect(await snapshot(locks)).toEqual({ held: ['s shared', 's shared'], pending: [] });
    holder.release();
    behind.release();
    await Promise.all([holder.settled, behind.settled]);
  });

  it('rejects at once, without calling back, when the signal is already aborted; an abort after the grant changes nothing', async () => {
    const locks = createMemoryLocks();
    let calls = 0;
    const aborted = locks.request('t', { signal: AbortSignal.abort() }, () => calls++);
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(0);

    const controller = new AbortController();
    const granted = hold(locks, 't', { signal: controller.signal });
    await granted.granted;
    controller.abort();
    expect(await snapshot(locks)).toEqual({ held: ['t exclusive'], pending: [] });
    granted.release();
    expect(await granted.settled).toEqual({ ok: true, value: 'released t' });
  });

  it('settles as the callback does and releases the lock when the callback fails', async () => {
    const locks = createMemoryLocks();
    const failure = new Error('callback failed');
    await expect(locks.request('u', async () => Promise.reject(failure))).rejects.toBe(failure);
    await expect(
      locks.request('u', () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await locks.request('u', () => 42)).toBe(42);
    expect(await snapshot(locks)).toEqual({ held: [], pending: [] });
  });

  it('query() names each lock, its mode and this context as the client', async () => {
    const locks = createMemoryLocks();
    const holder = hold(locks, 'v', { mode: 'shared' });
    const waiter = hold(locks, 'v');
    await holder.granted;
    expect(await locks.query()).toEqual({
      held: [{ name: 'v', mode: 'shared', clientId: MEMORY_LOCKS_CLIENT_ID }],
      pending: [{ name: 'v', mode: 'exclusive', clientId: MEMORY_LOCKS_CLIENT_ID }],
    });
    holder.release();
    await waiter.granted;
    waiter.release();
    await waiter.settled;
  });

  it.each([
    ['steal', { steal: true }],
    ['ifAvailable with a signal', { ifAvailable: true, signal: new AbortController().signal }],
  ] as const)('refuses %s with NotSupportedError', async (_case, options) => {
    const locks = createMemoryLocks();
    await expect(locks.request('w', options, () => undefined)).rejects.toMatchObject({ name: 'NotSupportedError' });
  });
});
