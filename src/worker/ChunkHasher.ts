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

export async function createChunkHasher(expectedBytes: number | null): Promise<ChunkHasher> {
  if ((expectedBytes === null || expectedBytes >= PARALLEL_HASH_MIN_BYTES) && typeof Worker !== 'undefined') {
    const parallel = await createParallelHasher().catch(() => null);
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
 */
const idleWorkers: Worker[] = [];
const MAX_IDLE_WORKERS = 2;

async function startHashWorker(): Promise<Worker> {
  const worker = new Worker(new URL('./sha256Worker.ts', import.meta.url), { type: 'module', name: 'volume-cache-sha256' });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('hash worker did not start')), 5000);
    worker.addEventListener('error', () => reject(new Error('hash worker failed')), { once: true });
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

async function createParallelHasher(): Promise<ChunkHasher> {
  const worker = idleWorkers.pop() ?? (await startHashWorker());
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
      if (finished && outstanding === 0 && idleWorkers.length < MAX_IDLE_WORKERS) idleWorkers.push(worker);
      else worker.terminate();
    },
  };
}
