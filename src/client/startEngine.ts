import { wrap, type Remote } from 'comlink';
import type { EngineInfo, EngineInitOptions, VolumeCacheEngine } from '../protocol';
import type { MissingCapability } from '../types';
import { VERSION } from '../version';
import { warnOnce } from './warnOnce';

export interface StartedEngine {
  engine: VolumeCacheEngine | Remote<VolumeCacheEngine>;
  info: EngineInfo;
  /** True when the engine runs in the dedicated worker (callbacks must be comlink proxies). */
  inWorker: boolean;
  /** What the page lacked, which the engine cannot know about (the worker itself). */
  missing: MissingCapability[];
  terminate(): void;
}

/** A Worker the application started, or the URL of the engine worker script (dist/worker.js) it hosts. */
export type EngineWorkerSource = Worker | string | URL;

/**
 * Starts the engine in a dedicated module worker. Where that fails (no module
 * workers, a CSP that forbids them, a bundler that did not emit the worker)
 * the engine runs on the page instead, so the cache degrades, never breaks,
 * and says so once on the console.
 */
export async function startEngine(options: EngineInitOptions, workerSource?: EngineWorkerSource): Promise<StartedEngine> {
  let started: Worker | null = null;
  let reason: string;
  try {
    started = startWorker(workerSource);
    const failed = new Promise<never>((_, reject) => {
      // A script that 404s, or that a dev server answered with its HTML page, fires 'error' without a message.
      started!.addEventListener('error', (event) => reject(new Error(event.message || `${scriptOf(workerSource)} did not load`)), { once: true });
    });
    const remote = wrap<VolumeCacheEngine>(started);
    const info = await Promise.race([remote.init(options), failed]);
    warnIfOtherVersion('engine worker', info.version);
    const running = started;
    return { engine: remote, info, inWorker: true, missing: [], terminate: () => running.terminate() };
  } catch (error) {
    started?.terminate();
    if (isEngineRejection(error)) throw error;
    reason = error instanceof Error ? error.message : String(error);
  }
  warnOnce(
    'worker',
    `volume-cache: the cache's worker could not start (${reason}), so it runs on the page: downloads are hashed and written on the main thread, ` +
      'which works but stalls the page on large volumes. stats().missing lists "worker". If your bundler did not copy worker.js, ' +
      'pass createVolumeCache({ worker: <URL of node_modules/volume-cache/dist/worker.js as you serve it> }) (see "Bundlers" in the README).',
  );
  const { browserPlatform, createEngine } = await import('../engine/createEngine');
  const engine = createEngine(
    browserPlatform(() => new Worker(new URL('../worker/sha256Worker.ts', import.meta.url), { type: 'module', name: 'volume-cache-sha256' })),
  );
  const info = await engine.init(options);
  return { engine, info, inWorker: false, missing: ['worker'], terminate: () => undefined };
}

function startWorker(source: EngineWorkerSource | undefined): Worker {
  if (source === undefined) {
    // Literal and relative on purpose: Vite and webpack follow exactly this
    // form into an application's build and emit the worker beside it; served
    // unbundled, it resolves next to this file in dist/.
    return new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'volume-cache' });
  }
  if (typeof source === 'string' || source instanceof URL) return new Worker(source, { type: 'module', name: 'volume-cache' });
  return source;
}

function scriptOf(source: EngineWorkerSource | undefined): string {
  if (source === undefined) return 'worker.js';
  return typeof source === 'string' || source instanceof URL ? String(source) : 'the worker passed as the worker option';
}

/** A worker script copied from another release answers with its own version. */
function warnIfOtherVersion(what: string, version: string | undefined): void {
  if (version === VERSION) return;
  warnOnce(
    `version:${what}`,
    `volume-cache: the ${what} is version ${version ?? 'unknown (older than 0.1)'}, the page's library ${VERSION}. ` +
      'Serve the worker files from the same release as the library (copy them again after every upgrade).',
  );
}

/** The worker started and rejected the options: that is the caller's error, not a missing capability. */
function isEngineRejection(error: unknown): boolean {
  return error instanceof Error && error.name === 'VolumeCacheError';
}
