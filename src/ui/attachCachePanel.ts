import type { VolumeCache } from '../types';
import { isVolumeCacheError } from '../errors';
import type { CacheChange } from '../shared/cacheChanges';
import type { CacheConfig, CacheEntry, CacheStats } from '../types';
import { applyProgress, pruneStaleDownloads, type ActiveDownloads } from './activeDownloads';
import { buildPanelModel, type PanelRow } from './buildPanelModel';
import { createCachePanelView } from './createCachePanelView';
import { createRefreshScheduler } from './createRefreshScheduler';
import { formatBytes } from './formatBytes';
import { formatDuration } from './formatRelativeTime';

export interface CachePanelOptions {
  /** Heading text. @default "Volume cache" */
  title?: string;
  /** Level of the heading, to fit the host page's outline. @default 2 */
  headingLevel?: 2 | 3 | 4 | 5 | 6;
  /** Shortest time between two stats()/entries() refreshes while changes stream in. @default 250 */
  refreshIntervalMs?: number;
  /** How often relative times ("5 min ago") are redrawn. @default 15000 */
  clockIntervalMs?: number;
}

export interface CachePanel {
  /** Re-reads stats and entries now; resolves when the panel shows them. */
  refresh(): Promise<void>;
  /** Stops listening and removes the panel. The cache stays open: it is the application's. */
  destroy(): void;
}

/** A download with no progress for this long is taken as abandoned (its tab closed, it failed). */
const STALE_DOWNLOAD_MS = 30_000;

/**
 * Renders the cache panel into `root` and keeps it current: mountCachePanel()
 * passes a shadow root it creates, the custom element its own.
 */
export function attachCachePanel(root: ShadowRoot, cache: VolumeCache, options: CachePanelOptions = {}): CachePanel {
  let stats: CacheStats | null = null;
  let entries: CacheEntry[] = [];
  let downloads: ActiveDownloads = new Map();
  const selected = new Set<string>();
  let destroyed = false;
  let busy = false;

  const view = createCachePanelView(
    root,
    { title: options.title ?? 'Volume cache', headingLevel: options.headingLevel ?? 2 },
    {
      thumbnail: (row: PanelRow) => cache.thumbnail(row.url),
      pinSelected: () =>
        act(async () => {
          const chosen = entries.filter((entry) => selected.has(entry.key) && !entry.pinned);
          // pin() on a cached entry needs no download; on an expired one it revalidates first.
          await cache.pin(chosen.map((entry) => entry.url));
          selected.clear();
          return chosen.length === 0 ? 'The selected volumes were already available offline.' : `${plural(chosen.length, 'volume')} pinned: available offline, never evicted.`;
        }),
      cleanup: () =>
        act(async () => {
          const report = await cache.cleanup();
          const removed = report.expired + report.evicted;
          return removed === 0 ? 'Nothing to clean up.' : `Removed ${plural(report.expired, 'expired volume')}${report.evicted ? ` and evicted ${report.evicted}` : ''}.`;
        }),
      clear: () =>
        act(async () => {
          await cache.clear();
          selected.clear();
          return 'The cache is empty.';
        }),
      togglePin: (row: PanelRow) =>
        act(async () => {
          if (row.pinned) {
            await cache.unpin(row.url);
            return `${row.name} unpinned: it can expire and be evicted again.`;
          }
          await cache.pin(row.url);
          return `${row.name} pinned: available offline, never evicted.`;
        }),
      invalidate: (row: PanelRow) =>
        act(async () => {
          await cache.invalidate(row.url);
          selected.delete(row.key);
          return `${row.name} removed from the cache.`;
        }),
      select(key, isSelected) {
        if (isSelected) selected.add(key);
        else selected.delete(key);
        render();
      },
      selectAll(isSelected) {
        selected.clear();
        if (isSelected) for (const entry of entries) selected.add(entry.key);
        render();
      },
      configure: (patch: CacheConfig) =>
        act(async () => {
          const before = stats?.entries ?? 0;
          const config = await cache.configure(patch);
          const after = (await cache.stats()).entries;
          const evicted = Math.max(0, before - after);
          return `Max size ${formatBytes(config.maxBytes)}, time to live ${formatDuration(config.defaultTtlSeconds * 1000)}.${evicted ? ` Evicted ${plural(evicted, 'volume')}.` : ''}`;
        }),
      requestPersistence: () =>
        act(async () => ((await cache.requestPersistence()) ? 'The browser will keep the cache under storage pressure.' : 'The browser declined to persist storage for this site.')),
    },
  );

  const scheduler = createRefreshScheduler(load, options.refreshIntervalMs ?? 250, (error) => {
    if (!destroyed) view.announce(`Could not read the cache: ${messageOf(error)}`, 'error');
  });

  async function load(): Promise<void> {
    const [nextStats, nextEntries] = await Promise.all([cache.stats(), cache.entries()]);
    if (destroyed) return;
    stats = nextStats;
    entries = nextEntries;
    const keys = new Set(entries.map((entry) => entry.key));
    for (const key of selected) if (!keys.has(key)) selected.delete(key);
    // A download whose entry now exists is done, even if its last progress tick was missed.
    const urls = new Set(entries.map((entry) => entry.url));
    downloads = new Map([...downloads].filter(([url]) => !urls.has(url)));
    render();
  }

  function render(): void {
    if (destroyed || !stats) return;
    downloads = pruneStaleDownloads(downloads, Date.now(), STALE_DOWNLOAD_MS);
    view.render(buildPanelModel(stats, entries, downloads, selected, Date.now()), { maxBytes: stats.maxBytes, defaultTtlSeconds: stats.defaultTtlSeconds });
  }

  /** Runs one user action: one at a time, its outcome announced, then the panel refreshed. */
  async function act(action: () => Promise<string>): Promise<void> {
    if (busy || destroyed) return;
    busy = true;
    view.setBusy(true);
    try {
      view.announce(await action());
    } catch (error) {
      view.announce(messageOf(error), 'error');
    } finally {
      busy = false;
      if (!destroyed) {
        view.setBusy(false);
        await scheduler.flush();
      }
    }
  }

  const onChange = (change: CacheChange): void => {
    if (change.type === 'progress') {
      downloads = applyProgress(downloads, change, Date.now());
      render();
      return;
    }
    scheduler.request();
  };
  let unsubscribe: () => void = () => undefined;
  try {
    unsubscribe = cache.subscribe(onChange);
  } catch (error) {
    view.announce(`Live updates are off: ${messageOf(error)}`, 'error');
  }
  const clock = setInterval(render, options.clockIntervalMs ?? 15_000);
  void scheduler.flush();

  return {
    refresh: () => scheduler.flush(),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      clearInterval(clock);
      unsubscribe();
      scheduler.dispose();
      root.replaceChildren();
    },
  };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function messageOf(error: unknown): string {
  if (isVolumeCacheError(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}
