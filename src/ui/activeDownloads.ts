/** A download some context of this origin is running, as seen from its progress broadcasts. */
export interface ActiveDownload {
  url: string;
  loaded: number;
  total: number | null;
  /** When this view first saw it (epoch ms): the rate is measured from here. */
  startedAt: number;
  /** When its last progress arrived. */
  updatedAt: number;
}

export type ActiveDownloads = ReadonlyMap<string, ActiveDownload>;

/**
 * The downloads after one progress broadcast. A finished one (loaded reached
 * total) leaves the list; one that went backwards (restarted from zero) is
 * measured afresh. Returns a new map; pure.
 */
export function applyProgress(downloads: ActiveDownloads, progress: { url: string; loaded: number; total: number | null }, nowMs: number): ActiveDownloads {
  const next = new Map(downloads);
  if (progress.total !== null && progress.loaded >= progress.total) {
    next.delete(progress.url);
    return next;
  }
  const known = downloads.get(progress.url);
  const restarted = known !== undefined && progress.loaded < known.loaded;
  next.set(progress.url, {
    url: progress.url,
    loaded: progress.loaded,
    total: progress.total,
    startedAt: known && !restarted ? known.startedAt : nowMs,
    updatedAt: nowMs,
  });
  return next;
}

/**
 * Drops downloads with no progress for `staleAfterMs` (aborted, failed, or
 * their tab closed: nothing announces that). Returns the same map when nothing changed.
 */
export function pruneStaleDownloads(downloads: ActiveDownloads, nowMs: number, staleAfterMs: number): ActiveDownloads {
  const stale = [...downloads.values()].filter((download) => nowMs - download.updatedAt > staleAfterMs);
  if (stale.length === 0) return downloads;
  const next = new Map(downloads);
  for (const download of stale) next.delete(download.url);
  return next;
}
