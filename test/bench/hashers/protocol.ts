// Messages between main.ts (page) and hashers.worker.ts.

export interface BenchConfig {
  totalMiB: number;
  runs: number;
  chunkSizes: number[];
}

export interface Row {
  hasher: string;
  chunk: string;
  medianMiBs: number;
  /** Slowest and fastest timed run, in MiB/s. */
  minMiBs: number;
  maxMiBs: number;
  medianMs: number;
}

export interface BenchResult {
  userAgent: string;
  hardwareConcurrency: number;
  config: BenchConfig;
  rows: Row[];
  /** WebCrypto digest of the whole buffer, the value every hasher must match. */
  reference: string;
  digestCombinations: number;
  /** Empty when every hasher/chunking produced `reference`. */
  mismatches: string[];
  /** SHA-256("abc") known-answer test per implementation. */
  kat: Record<string, boolean>;
  init: {
    hashWasmFirstCreateMs: number;
    hashWasmLaterCreateMedianMs: number;
    nobleCreateMedianMs: number;
  };
}

export type FromWorker =
  | { type: 'log'; text: string }
  | { type: 'result'; result: BenchResult }
  | { type: 'error'; text: string };
