/** Messages between the gunzip benchmark page, its worker and the Node driver. Type-only. */

export interface BenchConfig {
  /** Decompressed size of each generated volume, MiB. */
  generatedMiB: number;
  /** Timed runs per case (after one warm-up). */
  runs: number;
  /** Sample files to fetch from /data/. */
  samples: string[];
}

export interface BenchRow {
  input: string;
  compressedBytes: number;
  decompressedBytes: number;
  variant: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Decompressed MiB per second at the median time. */
  medianMiBs: number;
}

export interface BenchResult {
  config: BenchConfig;
  userAgent: string;
  hardwareConcurrency: number;
  rows: BenchRow[];
  /** Voxel SHA-256 differences between variants (must be empty). */
  mismatches: string[];
  /** How the gzip CRC damage file was handled by each variant. */
  badCrc: Record<string, string>;
}

export type FromWorker =
  | { type: 'log'; text: string }
  | { type: 'result'; result: BenchResult }
  | { type: 'error'; text: string };
