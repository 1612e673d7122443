import type { HashWorkerSource, StartHashWorker } from './ChunkHasher';

/**
 * The hash worker to use: the caller's URL, else the platform's (null where
 * workers cannot start, as in the service worker). A failed start is reported
 * once, through `onStartFailed`, and large downloads are then hashed in place.
 */
export function hashWorkerSource(url: string | null, platformStart: StartHashWorker | null, onStartFailed: (reason: string) => void): HashWorkerSource | null {
  const start: StartHashWorker | null =
    url !== null && typeof Worker !== 'undefined' ? () => new Worker(url, { type: 'module', name: 'volume-cache-sha256' }) : platformStart;
  if (!start) return null;
  let reported = false;
  return {
    start,
    onStartFailed(reason) {
      if (reported) return;
      reported = true;
      onStartFailed(reason);
    },
  };
}
