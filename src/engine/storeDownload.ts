import { VolumeCacheError } from '../errors';
import { createEncryptingSink } from '../encryption/EncryptingSink';
import { decryptToBlob } from '../encryption/readEncryptedFile';
import { toPublicEntry, type StoredEntry } from '../metadata/EntryCodec';
import { computeExpiresAt } from '../metadata/freshness';
import { mayStoreResponse } from '../metadata/mayStoreResponse';
import type { EngineRequest } from '../protocol';
import { toHex } from '../shared/toHex';
import type { CacheEntry, GetResult } from '../types';
import { checkIntegrity } from './checkIntegrity';
import { commitDownload } from './commitDownload';
import { downloadUncached } from './downloadUncached';
import { downloadVolume, type DownloadRequest, type DownloadResult, type ResponseMeta } from './downloadVolume';
import { evictForQuota } from './evictEntries';
import type { PartitionContext } from './PartitionContext';
import { fileFor, readEntryFile } from './readStoredFile';
import { isQuotaExceeded } from '../storage/isQuotaExceeded';
import type { TemporaryFile } from '../storage/PartitionFiles';

export interface StoreDownloadJob {
  request: EngineRequest;
  expectedSha256: string | null;
  /** The entry being revalidated (its validators are in the download's request), or null. */
  existing: CacheEntry | null;
  /** Keep the pin of an entry that was dropped as damaged and is being fetched again. */
  wasPinned: boolean;
  /** The download as downloadVolume() takes it, less where the bytes go and what runs out of room does (both decided here). */
  download: Omit<DownloadRequest, 'openSink' | 'hash' | 'onQuotaExceeded'>;
  ttlSeconds: number;
  /** Responses to requests with Authorization may be kept (the partition is one user's). */
  cacheAuthorized: boolean;
}

/**
 * Storing a download: into a temporary file (encrypted when the partition
 * is), then one of three ends. A 304 renews the entry being revalidated
 * ('refetch' when its file turned out to be gone: the caller downloads
 * afresh). A complete body is checked against `integrity` and committed
 * (commitDownload) when it may be kept and fits; otherwise it is handed out
 * uncached, leaving nothing readable on disk in an encrypted partition.
 * `onStored` hears of each new entry (the engine queues its thumbnail).
 */
export async function storeDownload(partition: PartitionContext, job: StoreDownloadJob, onStored: (entry: StoredEntry) => void): Promise<GetResult | 'refetch'> {
  const { request, expectedSha256, existing, wasPinned, ttlSeconds } = job;
  const { files, store, encryptionKey } = partition;
  // Locked (a Web Lock on its name) until release() below, so no sweep in another context deletes it mid-download.
  let temporary: TemporaryFile;
  try {
    temporary = await files.createDownload();
  } catch (error) {
    if (!isQuotaExceeded(error)) throw error;
    return handOutWithoutRoom(partition, job);
  }
  // Encrypted files get a random name: naming them by content would tell
  // anyone holding a copy of a volume whether it is cached here.
  const fileId = crypto.getRandomValues(new Uint8Array(16));
  try {
    let result: DownloadResult<string>;
    try {
      const key = encryptionKey;
      result = await downloadVolume({
        ...job.download,
        openSink: async () => (key ? createEncryptingSink(await temporary.openSink(), key, fileId) : temporary.openSink()),
        // A response that will not be kept (no-store, Vary, Authorization...) evicts nothing to make room.
        onQuotaExceeded: async (shortfall) => mayKeep(job, shortfall.meta) && evictForQuota(partition, shortfall),
        readBack: async (bytes) => {
          const stored = await temporary.handle.getFile();
          return key ? decryptToBlob(stored, key, bytes) : stored;
        },
      });
    } catch (error) {
      await temporary.remove().catch(() => undefined);
      throw error;
    }

    if (result.kind === 'not-modified' && existing) {
      await temporary.remove().catch(() => undefined);
      const now = partition.now();
      const renewed = await store.update(existing.key, (entry) => ({
        ...entry,
        etag: result.meta.etag ?? entry.etag,
        lastModified: result.meta.lastModified ?? entry.lastModified,
        expiresAt: computeExpiresAt(now, ttlSeconds),
        validatedAt: now,
        lastAccessedAt: partition.useStamp(),
      }));
      if (renewed) partition.changes.post({ type: 'entries', keys: [renewed.key] });
      const file = renewed ? await readEntryFile(partition, renewed) : null;
      if (!renewed || !file) return 'refetch';
      await partition.addTotals({ hits: 1, revalidations: 1, bytesFromCache: renewed.bytes });
      return { file, status: 'revalidated', entry: renewed };
    }
    if (result.kind !== 'complete') {
      await temporary.remove().catch(() => undefined);
      throw new VolumeCacheError('http-status', `The server answered 304 to an unconditional request for ${request.url}.`, { url: request.url, status: 304 });
    }
    const sha256 = result.sha256;
    try {
      checkIntegrity(sha256, expectedSha256, request.url);
    } catch (error) {
      await temporary.remove().catch(() => undefined);
      throw error;
    }
    await partition.addTotals({ downloads: 1, bytesFromNetwork: result.bytesFromNetwork, misses: 1 });

    const noStore = !mayKeep(job, result.meta);
    const now = partition.now();
    const entry: StoredEntry = {
      ...(encryptionKey ? { storedAs: toHex(fileId) } : {}),
      key: request.key,
      url: request.url,
      bytes: result.bytes,
      sha256,
      contentType: result.meta.contentType,
      contentEncoding: result.meta.contentEncoding,
      etag: result.meta.etag,
      lastModified: result.meta.lastModified,
      createdAt: now,
      lastAccessedAt: partition.useStamp(),
      expiresAt: computeExpiresAt(now, ttlSeconds),
      pinned: existing?.pinned ?? wasPinned,
      nifti: result.nifti,
    };

    let committed: StoredEntry | null;
    try {
      committed = await commitDownload(partition, temporary, entry, !noStore);
    } catch (error) {
      // Refused under the lock (the partition was encrypted meanwhile): no plaintext stays behind.
      await temporary.remove().catch(() => undefined);
      throw error;
    }

    if (!committed) {
      await partition.addTotals({ uncached: 1 });
      if (encryptionKey) {
        // Not kept: hand out the plaintext and leave nothing on disk.
        const plaintext = await decryptToBlob(await temporary.handle.getFile(), encryptionKey, entry.bytes);
        await temporary.remove();
        return { file: fileFor(entry, plaintext), status: 'uncached', entry: null };
      }
      const file = await files.keepUncached(temporary);
      return { file: fileFor(entry, file), status: 'uncached', entry: null };
    }
    const file = await readEntryFile(partition, committed);
    if (!file) throw new VolumeCacheError('corrupt', 'The stored file vanished right after it was written.', { url: request.url });
    onStored(committed);
    return { file, status: 'miss', entry: toPublicEntry(committed) };
  } finally {
    temporary.release();
  }
}

/** Whether get() may keep this response, by the rules it shares with the service worker (mayStoreResponse). */
function mayKeep(job: Pick<StoreDownloadJob, 'request' | 'cacheAuthorized'>, meta: ResponseMeta): boolean {
  const { request } = job;
  return mayStoreResponse(
    {
      cacheControl: meta.cacheControl,
      vary: meta.vary,
      // Credentials make a response one user's: kept only where the partition says it is that user's.
      authorized: Object.keys(request.headers ?? {}).some((name) => name.toLowerCase() === 'authorization'),
      // The engine's fetch sends no cookies across origins.
      credentialedCrossOrigin: false,
    },
    // get() keeps no-store responses unless asked to respect them (the cache is the copy the application asked for).
    { keepNoStore: request.respectNoStore !== true, keepAuthorized: job.cacheAuthorized, keepPrivate: true, keepCredentialed: true },
  );
}

/**
 * The origin's storage is so full that not even an empty temporary file can
 * be created (Chromium refuses getFileHandle({ create: true }) at the quota):
 * the body is handed out uncached, held in memory as without storage, and
 * nothing is evicted for a download whose size is not known yet.
 */
async function handOutWithoutRoom(partition: PartitionContext, job: StoreDownloadJob): Promise<GetResult> {
  const { revalidate: _unused, ...download } = job.download;
  const { file, bytesFromNetwork } = await downloadUncached(download, job.expectedSha256, partition.maxBytes());
  await partition.addTotals({ misses: 1, uncached: 1, downloads: 1, bytesFromNetwork });
  return { file, status: 'uncached', entry: null };
}
