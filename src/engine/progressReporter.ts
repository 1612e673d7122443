import { DEFAULTS } from '../defaults';
import type { DownloadProgress } from '../types';

/**
 * Turns the download loop's byte counts into progress reports for the caller
 * (`report`) and for other tabs (`post`), at most one per interval: a
 * gigabyte arrives in tens of thousands of chunks. The last one (loaded
 * equals total) always goes out.
 */
export function progressReporter(
  url: string,
  report: (progress: DownloadProgress) => void,
  post: (progress: DownloadProgress) => void,
  now: () => number = Date.now,
  intervalMs: number = DEFAULTS.progressIntervalMs,
): (loaded: number, total: number | null) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (loaded, total) => {
    const at = now();
    if (at - last < intervalMs && loaded !== total) return;
    last = at;
    const progress = { url, loaded, total };
    report(progress);
    post(progress);
  };
}
