const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/**
 * "3.87 MiB": binary units and three significant digits, like the cache
 * panel's sizes, so a volume reads the same in the sample list, the timings
 * table and the panel. The demo uses the library only through its public
 * API, as an application would, so it keeps its own copy of the rule.
 */
export function formatSize(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // From 1000 of a unit on, the next one: never four digits ("0.98 MiB").
  while (Number(value.toFixed(decimalsFor(value))) >= 1000 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(unit === 0 ? 0 : decimalsFor(value)))} ${UNITS[unit]}`;
}

function decimalsFor(value: number): number {
  return value >= 100 ? 0 : value >= 10 ? 1 : 2;
}

/** "1.2 MiB of 3.87 MiB · 244 KiB/s · 12 s left" for a download `elapsedMs` in. */
export function formatTransfer(loaded: number, total: number | null, elapsedMs: number): string {
  const parts = [total ? `${formatSize(loaded)} of ${formatSize(total)}` : formatSize(loaded)];
  if (elapsedMs > 0 && loaded > 0) {
    const bytesPerSecond = (loaded * 1000) / elapsedMs;
    parts.push(`${formatSize(bytesPerSecond)}/s`);
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
