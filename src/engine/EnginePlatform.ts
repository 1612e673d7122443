import type { StartHashWorker } from './ChunkHasher';

/** What the engine needs from its context; production passes the platform's, tests may pass fakes. */
export interface EnginePlatform {
  fetch: typeof fetch;
  /** null where OPFS is missing. */
  getDirectory: (() => Promise<FileSystemDirectoryHandle>) | null;
  now: () => number;
  storage: Pick<StorageManager, 'estimate' | 'persisted'> | null;
  locks: LockManager | null;
  /** Starts the worker that hashes large downloads in parallel; null where there is none (the service worker). */
  startHashWorker: StartHashWorker | null;
}

export function browserPlatform(startHashWorker: StartHashWorker | null = null): EnginePlatform {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  return {
    startHashWorker: typeof Worker !== 'undefined' ? startHashWorker : null,
    fetch: globalThis.fetch.bind(globalThis),
    getDirectory: storage && typeof storage.getDirectory === 'function' ? () => storage.getDirectory() : null,
    now: () => Date.now(),
    storage: storage && typeof storage.estimate === 'function' ? storage : null,
    locks: typeof navigator !== 'undefined' && navigator.locks ? navigator.locks : null,
  };
}
