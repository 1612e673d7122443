import type { EnginePlatform } from '../../../src/engine/EnginePlatform';
import { createMemoryLocks } from './memoryLocks';
import { createMemoryOpfs, type MemoryOpfs } from './memoryOpfs';

/** What the engine gets in Node, and the fakes behind it for a test to look at. */
export interface NodeEngine {
  platform: EnginePlatform;
  /** The in-memory OPFS behind `platform.getDirectory`. */
  disk: MemoryOpfs;
  /** The in-memory Web Locks behind `platform.locks`. */
  locks: LockManager;
  /** Settles with the first disk change (memoryOpfs' `remove <path>`, `move …`, `write …`) that `matches`, already made or yet to come. */
  diskChange(matches: (event: string) => boolean): Promise<string>;
}

/**
 * The platform the engine worker passes (browserPlatform) as Node can give
 * it: Node's fetch and clock, an in-memory OPFS (fake-indexeddb, set up for
 * the unit project, supplies IndexedDB) and an in-memory LockManager. There
 * is no hash worker (Node has no Worker: large downloads hash in the engine's
 * thread, as where that worker fails) and no StorageManager (stats() reports
 * usage, quota and persisted as unknown). `overrides` replaces any part.
 */
export function nodeEnginePlatform(overrides: Partial<EnginePlatform> = {}): NodeEngine {
  const events: string[] = [];
  const listeners = new Set<(event: string) => void>();
  const disk = createMemoryOpfs({
    log: (event) => {
      events.push(event);
      for (const listener of [...listeners]) listener(event);
    },
  });
  const locks = createMemoryLocks();
  return {
    platform: {
      fetch: globalThis.fetch.bind(globalThis),
      getDirectory: disk.getDirectory,
      now: () => Date.now(),
      storage: null,
      locks,
      startHashWorker: null,
      ...overrides,
    },
    disk,
    locks,
    diskChange: (matches) =>
      new Promise((resolve) => {
        const past = events.find(matches);
        if (past !== undefined) return resolve(past);
        const listener = (event: string): void => {
          if (!matches(event)) return;
          listeners.delete(listener);
          resolve(event);
        };
        listeners.add(listener);
      }),
  };
}
