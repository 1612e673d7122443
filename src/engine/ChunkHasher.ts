import { createStreamingSha256 } from './StreamingSha256';
import type { FromSha256Worker, ToSha256Worker } from './sha256WorkerProtocol';

/**
 * Incremental SHA-256 of a download, fed chunk by chunk. `update` takes the
 * chunk (its buffer may be transferred away) and returns a buffer the reader
 * may fill next, waiting when all buffers are out being hashed, which is the
 * back-pressure that bounds memory.
 */
export interface ChunkHasher {
  update(chunk: Uint8Array): Promise<ArrayBuffer | null>;
  digestHex(): Promise<string>;
  dispose(): void;
}

/** Downloads at least this large hash in a second worker; smaller ones would pay its start-up for nothing. */
export const PARALLEL_HASH_MIN_BYTES = 8 * 1024 * 1024;
const POOL_BUFFERS = 8;

/**
 * Starts the second worker. Handed in by the code that started this context
 * (the engine worker's entry, or the page when the engine runs there), where
 * the literal `new Worker(new URL(...))` is one an application's bundler sees
 * and copies; the service worker has none, and hashes in-thread.
 */
export type StartHashWorker = () => Worker;

export interface HashWorkerSource {
  start: StartHashWorker;
  /** Told once per failed start; the hash is then made in this thread instead, correct but slower. */
  onStartFailed(reason: string): void;
}

export async function createChunkHasher(expectedBytes: number | null, hashWorker: HashWorkerSource | null): Promise<ChunkHasher> {
  if ((expectedBytes === null || expectedBytes >= PARALLEL_HASH_MIN_BYTES) && hashWorker) {
    const parallel = await createParallelHasher(hashWorker.start).catch((error: unknown) => {
      hashWorker.onStartFailed(error instanceof Error ? error.message : String(error));
      return null;
    });
    if (parallel) return parallel;
  }
  const hasher = await createStreamingSha256();
  return {
    update: async (chunk) => {
      hasher.update(chunk);
      return chunk.byteOffset === 0 ? (chunk.buffer as ArrayBuffer) : null;
    },
    digestHex: async () => hasher.digestHex(),
    dispose: () => undefined,
  };
}

/**
 * Hash workers that finished a download, kept for the next ones: starting a
 * worker (a new isolate, hash-wasm compiled again) costs tens of
 * milliseconds and several MiB each time. Two, for two downloads at once.
 * Kept per start function, so a worker from one URL never serves another's.
 */
const idleWorkers = new WeakMap<StartHashWorker, Worker[]>();
const MAX_IDLE_WORKERS = 2;
const HASH_WORKER_START_TIMEOUT_MS = 5000;

async function startHashWorker(start: StartHashWorker): Promise<Worker> {
  const worker = start();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the hash worker did not start within ${HASH_WORKER_START_TIMEOUT_MS / 1000} s`)), HASH_WORKER_START_TIMEOUT_MS);
    // A script that 404s or is not JavaScript fires 'error' without a message.
    worker.addEventListener('error', (event) => reject(new Error(`the hash worker failed to load${event.message ? ` (${event.message})` : ''}`)), { once: true });
    worker.addEventListener('message', function ready(event: MessageEvent<FromSha256Worker>) {
      if (event.data.type !== 'ready') return;
      clearTimeout(timer);
      worker.removeEventListener('message', ready);
      resolve();
    });
  }).catch((error: unknown) => {
    worker.terminate();
    throw error;
  });
  return worker;
}

async function createParallelHasher(start: StartHashWorker): Promise<ChunkHasher> {
  let idle = idleWorkers.get(start);
  if (!idle) idleWorkers.set(start, (idle = []));
  const pool = idle;
  const worker = pool.pop() ?? (await startHashWorker(start));
  const free: ArrayBuffer[] = [];
  const waiting: ((buffer: ArrayBuffer) => void)[] = [];
  let outstanding = 0;
  let finished = false;
  let digest: ((hex: string) => void) | null = null;
  let failed: ((error: Error) => void) | null = null;
  worker.onmessage = (event: MessageEvent<FromSha256Worker>) => {
    const message = event.data;
    if (message.type === 'free') {
      outstanding--;
      const next = waiting.shift();
      if (next) next(message.buffer);
      else free.push(message.buffer);
    } else if (message.type === 'digest') {
      finished = true;
      digest?.(message.hex);
    }
  };
  worker.onerror = (event) => failed?.(new Error(`hash worker failed: ${event.message}`));

  return {
    async update(chunk) {
      const message: ToSha256Worker = { type: 'update', buffer: chunk.buffer as ArrayBuffer, offset: chunk.byteOffset, length: chunk.byteLength };
      worker.postMessage(message, [chunk.buffer as ArrayBuffer]);
      outstanding++;
      const reusable = free.pop();
      if (reusable) return reusable;
      if (outstanding < POOL_BUFFERS) return null; // the reader allocates a new one
      return new Promise<ArrayBuffer>((resolve) => waiting.push(resolve));
    },
    digestHex() {
      return new Promise<string>((resolve, reject) => {
        digest = resolve;
        failed = reject;
        worker.postMessage({ type: 'digest' } satisfies ToSha256Worker);
      });
    },
    dispose() {
      worker.onmessage = null;
      worker.onerror = null;
      // Kept only when its hash ended cleanly: every buffer came back and it holds no state.
      if (finished && outstanding === 0 && pool.length < MAX_IDLE_WORKERS) pool.push(worker);
      else worker.terminate();
    },
  };
}
