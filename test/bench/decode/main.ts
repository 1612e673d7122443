// Page side: starts the benchmark worker and relays its messages to the
// Node driver (compareGunzip.mjs) through an exposed binding.

import type { BenchConfig, FromWorker } from './protocol';

/** Installed by the driver with page.exposeFunction (not declared on Window: the hashers bench declares it with its own types). */
const driver = window as unknown as { benchEvent?: (msg: FromWorker) => Promise<void> };

const q = new URLSearchParams(location.search);
const cfg: BenchConfig = {
  generatedMiB: Number(q.get('mib') ?? 256),
  runs: Number(q.get('runs') ?? 5),
  samples: (q.get('samples') ?? '').split(',').filter(Boolean),
};

function report(msg: FromWorker): void {
  if (driver.benchEvent) void driver.benchEvent(msg);
  else console.log(msg);
}

const worker = new Worker(new URL('./gunzip.worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (ev: MessageEvent<FromWorker>) => report(ev.data);
worker.onerror = (ev) => report({ type: 'error', text: `worker error: ${ev.message || 'failed to load'}` });
worker.postMessage(cfg);
