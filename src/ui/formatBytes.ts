const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;
const STEP = 1024;
/** Above this many of a unit, the next unit reads better ("0.98 MiB", not "1000 KiB"): three digits at most. */
const MAX_DIGITS_VALUE = 1000;

/**
 * A byte count for people, in binary units (KiB, MiB, GiB), because the
 * API's own sizes are binary (`maxBytes` defaults to 2 GiB, `memoryBytes` to
 * 256 MiB): 4 * 1024 ** 3 reads "4 GiB", not "4.29 GB". Three significant
 * digits at most, trailing zeros dropped ("11.4 MiB", "2 GiB").
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  if (bytes < MAX_DIGITS_VALUE) return `${Math.round(bytes)} B`;
  let value = bytes;
  let unit = 0;
  while (value >= MAX_DIGITS_VALUE && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  // 999.6 KiB rounds to "1000 KiB": move to the next unit instead.
  if (Number(value.toFixed(decimalsFor(value))) >= MAX_DIGITS_VALUE && unit < UNITS.length - 1) {
    value /= STEP;
    unit++;
  }
  // Number() drops the trailing zeros toFixed() keeps: "4.00" → 4.
  return `${Number(value.toFixed(decimalsFor(value)))} ${UNITS[unit]}`;
}

function decimalsFor(value: number): number {
  return value >= 100 ? 0 : value >= 10 ? 1 : 2;
}
