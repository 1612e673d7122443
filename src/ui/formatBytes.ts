const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
const STEP = 1000;

/**
 * A byte count for people: decimal units (kB, MB, GB), as network speeds,
 * browser quota dialogs and most file managers show them, so "MB" here and
 * "MB/s" in a transfer rate agree. Three significant digits at most.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < STEP) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= STEP && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  // 999.95 kB rounds to "1000 kB": move to the next unit instead.
  if (Number(value.toPrecision(3)) >= STEP && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${UNITS[unit]}`;
}
