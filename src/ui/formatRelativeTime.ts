const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A duration in the largest sensible unit: "45 s", "12 min", "3 h 5 min", "6 days". */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.max(0, Math.round(abs / SECOND))} s`;
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < DAY) {
    const hours = Math.floor(abs / HOUR);
    const minutes = Math.round((abs - hours * HOUR) / MINUTE);
    return minutes === 0 || minutes === 60 ? `${minutes === 60 ? hours + 1 : hours} h` : `${hours} h ${minutes} min`;
  }
  const days = Math.round(abs / DAY);
  return `${days} ${days === 1 ? 'day' : 'days'}`;
}

/** When `atMs` was or will be, seen from `nowMs`: "just now", "5 min ago", "in 6 days". */
export function formatRelativeTime(atMs: number, nowMs: number): string {
  const delta = atMs - nowMs;
  if (Math.abs(delta) < 5 * SECOND) return 'just now';
  return delta < 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(delta)}`;
}

/** The "expires" cell of an entry: when it goes stale, or that it already has. */
export function formatExpiry(expiresAtMs: number, nowMs: number): string {
  return expiresAtMs <= nowMs ? 'expired' : `in ${formatDuration(expiresAtMs - nowMs)}`;
}
