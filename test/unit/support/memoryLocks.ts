/**
 * An in-memory Web Locks LockManager for one context, so code that takes
 * locks (download, commit, temporaries, read leases) runs in Node. It
 * follows the spec's queue (https://w3c.github.io/web-locks/): one FIFO
 * queue per name; the request at its head is granted when no lock of that
 * name is held (exclusive) or none held is exclusive (shared), so shared
 * requests behind a queued exclusive one wait their turn. `ifAvailable`
 * grants at once or calls back with null; `signal` takes a queued request
 * out and rejects it with the signal's reason. `steal` is not supported.
 */

interface Request {
  name: string;
  mode: LockMode;
  grant: () => void;
}

interface Held {
  name: string;
  mode: LockMode;
}

type Callback = (lock: Lock | null) => unknown;

/** What query() reports as every lock's holder: this fake has one context. */
export const MEMORY_LOCKS_CLIENT_ID = 'memory-locks';

export function createMemoryLocks(): LockManager {
  const queues = new Map<string, Request[]>();
  const held: Held[] = [];

  function grantable(name: string, mode: LockMode, queue: readonly Request[], first: Request | null): boolean {
    if (queue.length > 0 && queue[0] !== first) return false;
    return !held.some((lock) => lock.name === name && (mode === 'exclusive' || lock.mode === 'exclusive'));
  }

  function processQueue(name: string): void {
    const queue = queues.get(name) ?? [];
    while (queue.length > 0 && grantable(name, queue[0]!.mode, queue, queue[0]!)) queue.shift()!.grant();
    if (queue.length === 0) queues.delete(name);
  }

  /** Holds the lock while `callback` runs; settles as the callback's result does. */
  function run(name: string, mode: LockMode, callback: Callback): Promise<unknown> {
    const lock: Held = { name, mode };
    held.push(lock);
    // The spec runs the callback in a task of its own, never inside request().
    return Promise.resolve()
      .then(() => callback({ name, mode } as Lock))
      .finally(() => {
        held.splice(held.indexOf(lock), 1);
        processQueue(name);
      });
  }

  async function request(name: string, optionsOrCallback: LockOptions | Callback, maybeCallback?: Callback): Promise<unknown> {
    const [options, callback] = typeof optionsOrCallback === 'function' ? [{}, optionsOrCallback] : [optionsOrCallback, maybeCallback!];
    const mode = options.mode ?? 'exclusive';
    if (options.steal) throw new DOMException('memoryLocks does not support steal.', 'NotSupportedError');
    if (options.ifAvailable && options.signal) throw new DOMException('ifAvailable and signal cannot be combined.', 'NotSupportedError');
    const { signal } = options;
    if (signal?.aborted) throw signal.reason;
    const queue = queues.get(name) ?? [];
    if (options.ifAvailable) {
      if (!grantable(name, mode, queue, null)) return Promise.resolve().then(() => callback(null));
      return run(name, mode, callback);
    }
    return new Promise<unknown>((resolve, reject) => {
      const onAbort = (): void => {
        const waiting = queues.get(name);
        const index = waiting?.indexOf(queued) ?? -1;
        if (index < 0) return;
        waiting!.splice(index, 1);
        reject(signal!.reason);
        // The head may have gone: those behind it may be grantable now.
        processQueue(name);
      };
      const queued: Request = {
        name,
        mode,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          run(name, mode, callback).then(resolve, reject);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(queued);
      queues.set(name, queue);
      processQueue(name);
    });
  }

  const info = ({ name, mode }: Held | Request): LockInfo => ({ name, mode, clientId: MEMORY_LOCKS_CLIENT_ID });
  return {
    request,
    query: async () => ({ held: held.map(info), pending: [...queues.values()].flat().map(info) }),
  } as LockManager;
}
