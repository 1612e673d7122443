import type { CacheEntry, CacheStats } from '../types';
import { describeTransfer, formatEta, formatRate, type TransferFigures } from './describeTransfer';
import type { ActiveDownloads } from './activeDownloads';
import { entryDisplayName } from './entryDisplayName';
import { formatBytes } from './formatBytes';
import { formatNiftiSummary } from './formatNiftiSummary';
import { formatExpiry, formatRelativeTime } from './formatRelativeTime';

export interface PanelRow {
  key: string;
  url: string;
  name: string;
  bytes: number;
  size: string;
  dims: string;
  lastAccess: string;
  expires: string;
  expired: boolean;
  pinned: boolean;
  selected: boolean;
}

export interface PanelDownloadRow {
  url: string;
  name: string;
  figures: TransferFigures;
  /** "1.2 MiB of 3.87 MiB · 2.29 MiB/s · 2 s left" */
  text: string;
}

export interface PanelMeter {
  /** 0 to 1, or null when unknown. */
  fraction: number | null;
  text: string;
}

export interface PanelModel {
  hitRate: string;
  entryCount: string;
  budget: PanelMeter;
  quota: PanelMeter;
  persisted: string;
  /** Why caching is off, when it is (network-only mode). */
  warning: string | null;
  rows: PanelRow[];
  downloads: PanelDownloadRow[];
  selectedCount: number;
}

/** Everything the panel shows, as text and numbers, from the public API's answers. Pure. */
export function buildPanelModel(
  stats: CacheStats,
  entries: readonly CacheEntry[],
  downloads: ActiveDownloads,
  selectedKeys: ReadonlySet<string>,
  nowMs: number,
): PanelModel {
  const requests = stats.hits + stats.misses;
  const rows = entries.map(
    (entry): PanelRow => ({
      key: entry.key,
      url: entry.url,
      name: entryDisplayName(entry.url),
      bytes: entry.bytes,
      size: formatBytes(entry.bytes),
      dims: formatNiftiSummary(entry.nifti),
      lastAccess: formatRelativeTime(entry.lastAccessedAt, nowMs),
      expires: formatExpiry(entry.expiresAt, nowMs),
      expired: entry.expiresAt <= nowMs,
      pinned: entry.pinned,
      selected: selectedKeys.has(entry.key),
    }),
  );
  return {
    hitRate: requests === 0 ? 'no requests yet' : `${Math.round(stats.hitRate * 100)}% (${stats.hits} ${stats.hits === 1 ? 'hit' : 'hits'}, ${stats.misses} ${stats.misses === 1 ? 'miss' : 'misses'})`,
    entryCount: `${stats.entries} ${stats.entries === 1 ? 'entry' : 'entries'}${stats.pinnedBytes > 0 ? `, ${formatBytes(stats.pinnedBytes)} pinned` : ''}`,
    budget: {
      fraction: stats.maxBytes > 0 ? Math.min(1, stats.bytes / stats.maxBytes) : null,
      text: `${formatBytes(stats.bytes)} of ${formatBytes(stats.maxBytes)} max size`,
    },
    quota:
      stats.quota !== null && stats.usage !== null && stats.quota > 0
        ? { fraction: Math.min(1, stats.usage / stats.quota), text: quotaText(stats.usage, stats.quota, stats.bytes) }
        : { fraction: null, text: 'browser quota unknown' },
    persisted: stats.persisted === null ? 'unknown' : stats.persisted ? 'yes: the browser keeps it under storage pressure' : 'no: the browser may clear it under storage pressure',
    warning: stats.mode === 'network-only' ? `Caching is off in this browser (missing: ${stats.missing.join(', ')}); volumes are downloaded every time.` : null,
    rows,
    downloads: [...downloads.values()].map((download) => {
      const figures = describeTransfer(download.loaded, download.total, download.updatedAt - download.startedAt);
      const amount = download.total !== null ? `${formatBytes(download.loaded)} of ${formatBytes(download.total)}` : formatBytes(download.loaded);
      const eta = formatEta(figures.etaSeconds);
      return {
        url: download.url,
        name: entryDisplayName(download.url),
        figures,
        text: [amount, formatRate(figures.bytesPerSecond), eta].filter(Boolean).join(' · '),
      };
    }),
    selectedCount: rows.filter((row) => row.selected).length,
  };
}

/**
 * The site's storage against its quota, saying how much of it is not cached
 * volumes: navigator.storage.estimate() counts the whole origin, so before
 * anything is cached an app with an offline copy of itself (the service
 * worker's `offlineShell`, about 7 MiB for the demo) already shows megabytes
 * used, which would otherwise read as the cache's.
 */
function quotaText(usage: number, quota: number, cachedBytes: number): string {
  const other = Math.max(0, usage - cachedBytes);
  const breakdown = other > 0 ? `: ${formatBytes(other)} is the app's own files and other data, not volumes` : '';
  return `${formatBytes(usage)} of ${formatBytes(quota)} browser quota (whole site${breakdown})`;
}
