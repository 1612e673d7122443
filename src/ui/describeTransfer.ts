import { formatBytes } from './formatBytes';

export interface TransferFigures {
  /** 0 to 1, or null when the total is unknown. */
  fraction: number | null;
  /** Bytes per second since the transfer started, or null before any time has passed. */
  bytesPerSecond: number | null;
  /** Seconds left at the current rate, or null when unknown. */
  etaSeconds: number | null;
}

/** Progress, rate and time left of a transfer from what it has done so far. Pure. */
export function describeTransfer(loaded: number, total: number | null, elapsedMs: number): TransferFigures {
  const fraction = total !== null && total > 0 ? Math.min(1, loaded / total) : null;
  const bytesPerSecond = elapsedMs > 0 && loaded > 0 ? (loaded * 1000) / elapsedMs : null;
  const etaSeconds = total !== null && bytesPerSecond !== null ? Math.max(0, (total - loaded) / bytesPerSecond) : null;
  return { fraction, bytesPerSecond, etaSeconds };
}

/** "2.29 MiB/s": binary, like the sizes next to it, so "1 MiB of 4 MiB · 1 MiB/s" adds up. */
export function formatRate(bytesPerSecond: number | null): string {
  if (bytesPerSecond === null || !Number.isFinite(bytesPerSecond)) return '– MiB/s';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** "12 s left", "3 min left", or "" when unknown. */
export function formatEta(etaSeconds: number | null): string {
  if (etaSeconds === null || !Number.isFinite(etaSeconds)) return '';
  if (etaSeconds < 1) return 'almost done';
  if (etaSeconds < 60) return `${Math.ceil(etaSeconds)} s left`;
  return `${Math.ceil(etaSeconds / 60)} min left`;
}
