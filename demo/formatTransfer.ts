/** "4.06 MB" (decimal, like the cache panel). */
export function formatMegabytes(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? mb.toFixed(0) : mb >= 10 ? mb.toFixed(1) : mb.toFixed(2)} MB`;
}

/** "1.20 MB of 4.06 MB · 2.40 MB/s · 2 s left" for a download `elapsedMs` in. */
export function formatTransfer(loaded: number, total: number | null, elapsedMs: number): string {
  const parts = [total ? `${formatMegabytes(loaded)} of ${formatMegabytes(total)}` : formatMegabytes(loaded)];
  if (elapsedMs > 0 && loaded > 0) {
    const bytesPerSecond = (loaded * 1000) / elapsedMs;
    parts.push(`${(bytesPerSecond / 1e6).toFixed(2)} MB/s`);
    if (total) {
      const left = Math.max(0, (total - loaded) / bytesPerSecond);
      parts.push(left < 1 ? 'almost done' : `${Math.ceil(left)} s left`);
    }
  }
  return parts.join(' · ');
}

/** "850 ms" or "2.4 s". */
export function formatMilliseconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
