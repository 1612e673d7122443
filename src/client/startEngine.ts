import { wrap, type Remote } from 'comlink';
import type { EngineInfo, EngineInitOptions, VolumeCacheEngine } from '../protocol';
import type { MissingCapability } from '../types';

export interface StartedEngine {
  engine: VolumeCacheEngine | Remote<VolumeCacheEngine>;
  info: EngineInfo;
  /** True when the engine runs in the dedicated worker (callbacks must be comlink proxies). */
  inWorker: boolean;
  /** What the page lacked, which the engine cannot know about (the worker itself). */
  missing: MissingCapability[];
  terminate(): void;
}

/**
 * Starts the engine in a dedicated module worker. Where that fails (no module
 * workers, a CSP that forbids them, a bundler that did not emit the worker)
 * the engine runs on the page instead, so the cache degrades, never breaks.
 */
export async function startEngine(options: EngineInitOptions, worker?: Worker): Promise<StartedEngine> {
  let started: Worker | null = null;
  try {
    started = worker ?? new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'volume-cache' });
    const failed = new Promise<never>((_, reject) => {
      started!.addEventListener('error', (event) => reject(new Error(`worker failed to start: ${event.message ?? 'error'}`)), { once: true });
    });
    const remote = wrap<VolumeCacheEngine>(started);
    const info = await Promise.race([remote.init(options), failed]);
    const running = started;
    return { engine: remote, info, inWorker: true, missing: [], terminate: () => running.terminate() };
  } catch (error) {
    started?.terminate();
    if (isEngineRejection(error)) throw error;
  }
  const { createEngine } = await import('../worker/createEngine');
  const engine = createEngine();
  const info = await engine.init(options);
  return { engine, info, inWorker: false, missing: ['worker'], terminate: () => undefined };
}

/** The worker started and rejected the options: that is the caller's error, not a missing capability. */
function isEngineRejection(error: unknown): boolean {
  return error instanceof Error && error.name === 'VolumeCacheError';
}
