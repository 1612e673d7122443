/**
 * Changes to a partition, broadcast by whichever context made them (a page's
 * worker, another tab, the service worker) so every view of the cache can
 * refresh: BroadcastChannel reaches all same-origin contexts, the sender's
 * own channel object excepted.
 */
export type CacheChange =
  /** Entries added, replaced, renewed, pinned, unpinned or removed. */
  | { type: 'entries'; keys: string[] }
  | { type: 'cleared' }
  | { type: 'config' }
  /** Totals changed (a hit, a download). */
  | { type: 'stats' }
  | { type: 'progress'; url: string; loaded: number; total: number | null }
  /** The partition was destroyed (log-out): every cache open on it is closed. */
  | { type: 'destroyed' };

export function cacheChangesChannelName(partition: string): string {
  return `volume-cache:${partition}:changes`;
}

export interface CacheChangePoster {
  post(change: CacheChange): void;
  close(): void;
}

export function openCacheChangePoster(partition: string): CacheChangePoster {
  if (typeof BroadcastChannel === 'undefined') return { post: () => undefined, close: () => undefined };
  const channel = new BroadcastChannel(cacheChangesChannelName(partition));
  return {
    post: (change) => {
      try {
        channel.postMessage(change);
      } catch {
        // A closed channel during shutdown: nobody is listening any more.
      }
    },
    close: () => channel.close(),
  };
}

/** Calls `listener` for every change to the partition made anywhere in this origin. */
export function subscribeToCacheChanges(partition: string, listener: (change: CacheChange) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined;
  const channel = new BroadcastChannel(cacheChangesChannelName(partition));
  channel.onmessage = (event: MessageEvent<CacheChange>) => listener(event.data);
  return () => channel.close();
}
