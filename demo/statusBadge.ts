import type { CacheStatus } from '../src/index';

/** What the status line can report: a load's outcome, or where it is. */
export type LoadState = CacheStatus | 'loading' | 'cancelled' | 'error' | 'unavailable';

/**
 * The badge in front of the status line, in words a clinician reads right:
 * the cache's own terms ("miss", "stale") read like failures, though a miss
 * is a normal first download (GitHub issue 16). Empty while loading: the
 * line then says what is loading.
 */
const BADGES: Record<LoadState, string> = {
  loading: '',
  hit: 'From cache',
  revalidated: 'From cache, checked',
  miss: 'Downloaded',
  stale: 'Offline copy',
  uncached: 'Downloaded, not saved',
  unavailable: 'Not available offline',
  cancelled: 'Cancelled',
  error: 'Failed',
};

export function statusBadge(state: LoadState): string {
  return BADGES[state];
}
