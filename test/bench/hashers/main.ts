// Page side: starts the benchmark worker and relays its messages to the
// Node driver (compareHashers.mjs) through an exposed binding.

import type { BenchConfig, FromWorker } from './protocol';

declare global {
  interface Window {
    /** Installed by the driver with page.exposeFunction. */
    benchEvent?: (msg: FromWorker) => Promise<void>;
  }
}

const q = new URLSearchParams(location.search);
const cfg: BenchConfig = {
  totalMiB: Number(q.get('mib') ?? 256),
  runs: Number(q.get('runs') ?? 5),
  chunkSizes: (q.get('chunks') ?? '65536,1048576,4194304').split(',').map(Number),
};

function report(msg: FromWorker): void {
  if (window.benchEvent) void window.benchEvent(msg);
  else console.log(msg);
}

const worker = new Worker(new URL('./hashers.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (ev: MessageEvent<FromWorker>) => report(ev.data);
worker.onerror = (ev) => report({ type: 'error', text: `worker error: ${ev.message || 'failed to load'}` });
worker.postMessage(cfg);
