import { DEFAULTS } from '../defaults';
import { VolumeCacheError } from '../errors';
import { isExpired } from '../metadata/freshness';
import { toPublicEntry, type StoredEntry } from '../metadata/EntryCodec';
import type { ArrayBufferResult, EngineRequest, ProgressCallback } from '../protocol';
import type { CacheEntry, DownloadProgress, GetResult } from '../types';
import type { BackgroundJobs } from './BackgroundJobs';
import { CallerAborts } from './CallerAborts';
import type { HashWorkerSource } from './ChunkHasher';
import { DownloadLocks } from './DownloadLocks';
import type { ResponseValidators } from './downloadVolume';
import type { EngineBackend } from './EngineBackend';
import type { EnginePlatform } from './EnginePlatform';
import { progressReporter } from './progressReporter';
import { releaseCallback } from './releaseCallback';
import { SharedDownloads } from './SharedDownloads';
import { validateRequest } from './validateRequest';

export interface GetPipelineOptions {
  backend: EngineBackend;
  platform: Pick<EnginePlatform, 'fetch' | 'locks' | 'now'>;
  partition: string;
  background: BackgroundJobs;
  hashWorker: HashWorkerSource | null;
  stallTimeoutMs: number;
  /** Hears of each entry a download stored (the engine queues its thumbnail). */
  onStored(entry: StoredEntry): void;
}

interface Download {
  request: EngineRequest;
  expectedSha256: string | null;
  /** The entry being revalidated, or null. */
  existing: CacheEntry | null;
  signal: AbortSignal;
  report: (progress: DownloadProgress) => void;
  /** A response the service worker already fetched, used instead of the first request. */
  initialResponse?: Response;
  /** Keep the pin of an entry that was dropped as damaged and is being fetched again. */
  wasPinned: boolean;
}

/**
 * The get pipeline: a fresh stored copy is a hit; a stale one is
 * revalidated (and served when the network, not the content, fails);
 * anything else downloads, concurrent calls for one key sharing one download
 * in this context (SharedDownloads) and across contexts (DownloadLocks).
 */
export class GetPipeline {
  private readonly downloads = new SharedDownloads<GetResult>();
  private readonly callers = new CallerAborts();
  private readonly locks: DownloadLocks;

  constructor(private readonly options: GetPipelineOptions) {
    // Without storage a download leaves nothing behind to share: a tab that
    // waited for another's would download it again anyway, so none waits.
    this.locks = new DownloadLocks(options.backend.mode === 'network-only' ? null : options.platform.locks, options.partition);
  }

  /**
   * The volume, from the cache or downloaded. `refuseSize`, asked once the
   * download's size is known (its Content-Length), may end this call with an
   * error before the body is read: the download goes on only for other
   * callers sharing it.
   */
  async get(request: EngineRequest, onProgress: ProgressCallback | undefined, refuseSize?: (bytes: number) => VolumeCacheError | null): Promise<GetResult> {
    const { backend, background, platform } = this.options;
    const { expectedSha256 } = validateRequest(request);
    const signal = this.callers.signal(request.requestId);
    const listener = this.progressListener(request.requestId, onProgress, refuseSize);
    const done = background.enterForeground();
    try {
      const existing = await backend.entry(request.key);
      let staleFile: File | null = null;
      if (existing) {
        const file = await backend.readFile(existing);
        const wanted = expectedSha256 === null || expectedSha256 === existing.sha256;
        if (file && wanted && !isExpired(existing, platform.now())) return { file, status: 'hit', entry: backend.countHit(existing) };
        if (file && wanted) staleFile = file;
      }
      const revalidating = staleFile !== null && existing ? existing : null;
      const wasPinned = existing?.pinned ?? false;
      try {
        return await this.downloads.join(
          flightKey(request, expectedSha256),
          (flightSignal, report) =>
            this.locks.hold(request.key, flightSignal, async () => {
              // Another tab, worker or the service worker may have stored it while we waited.
              const stored = revalidating ? null : await this.freshStoredResult(request.key, expectedSha256);
              return stored ?? this.download({ request, expectedSha256, existing: revalidating, signal: flightSignal, report, wasPinned });
            }),
          listener,
          signal,
          request.url,
        );
      } catch (error) {
        if (revalidating && staleFile && isServableAsStale(error)) {
          await backend.addTotals({ hits: 1, stale: 1, bytesFromCache: revalidating.bytes });
          return { file: staleFile, status: 'stale', entry: await backend.touch(revalidating) };
        }
        throw error;
      }
    } finally {
      done();
      this.callers.end(request.requestId);
      releaseCallback(onProgress);
    }
  }

  /**
   * getArrayBuffer's hit path: the stored file read straight into the buffer
   * that is transferred (decrypted in place when encrypted), with no File or
   * Blob in between: for an encrypted entry that copy cost more than the
   * decryption. Null for anything but a fresh, intact hit; get() then does
   * it all, damage handling included.
   */
  async freshHitBytes(request: EngineRequest, verifyOnRead: boolean): Promise<ArrayBufferResult | null> {
    const { backend, background, platform } = this.options;
    const { expectedSha256 } = validateRequest(request);
    if (verifyOnRead) return null;
    const entry = await backend.entry(request.key);
    if (!entry || isExpired(entry, platform.now()) || (expectedSha256 !== null && expectedSha256 !== entry.sha256)) return null;
    const done = background.enterForeground();
    try {
      const buffer = await backend.readBytes(entry);
      return buffer ? { buffer, status: 'hit', entry: toPublicEntry(backend.countHit(entry)) } : null;
    } finally {
      done();
    }
  }

  /** Caches a response the service worker already fetched, unless this context is downloading it already. */
  async ingest(request: EngineRequest, response: Response): Promise<GetResult> {
    const { expectedSha256 } = validateRequest(request);
    const key = flightKey(request, expectedSha256);
    const signal = this.callers.signal(request.requestId);
    try {
      // Already downloading here: leave this body to the page alone.
      if (this.downloads.has(key)) throw new VolumeCacheError('aborted', `${request.url} is already being cached.`, { url: request.url });
      return await this.downloads.join(
        key,
        (flightSignal, report) =>
          this.locks.hold(request.key, flightSignal, () =>
            this.download({ request, expectedSha256, existing: null, signal: flightSignal, report, initialResponse: response, wasPinned: false }),
          ),
        undefined,
        signal,
        request.url,
      );
    } finally {
      this.callers.end(request.requestId);
      // Whatever happened, stop holding the body, so the page's copy of the
      // stream is never held back by a cache side nobody reads.
      await response.body?.cancel().catch(() => undefined);
    }
  }

  waitForDownload(key: string): Promise<void> {
    return this.locks.waitFor(key);
  }

  abort(requestId: string): void {
    this.callers.abort(requestId);
  }

  /** Ends every running call, downloads and waits for their locks alike, with `reason`. */
  close(reason: VolumeCacheError): void {
    this.downloads.abortAll(reason);
    this.callers.abortAll(reason);
  }

  /** The caller's progress listener, with the size check of get() in front of it. */
  private progressListener(
    requestId: string,
    onProgress: ProgressCallback | undefined,
    refuseSize: ((bytes: number) => VolumeCacheError | null) | undefined,
  ): ((progress: DownloadProgress) => void) | undefined {
    const report = onProgress ? (progress: DownloadProgress) => void Promise.resolve(onProgress(progress)).catch(() => undefined) : undefined;
    if (!refuseSize) return report;
    let checked = false;
    return (progress) => {
      if (!checked && progress.total !== null) {
        checked = true;
        const refusal = refuseSize(progress.total);
        if (refusal) return this.callers.abort(requestId, refusal);
      }
      report?.(progress);
    };
  }

  /** A fresh stored copy as a hit (counted), or null. */
  private async freshStoredResult(key: string, expectedSha256: string | null): Promise<GetResult | null> {
    const { backend, platform } = this.options;
    const entry = await backend.entry(key);
    if (!entry || isExpired(entry, platform.now()) || (expectedSha256 !== null && entry.sha256 !== expectedSha256)) return null;
    const file = await backend.readFile(entry);
    return file ? { file, status: 'hit', entry: backend.countHit(entry) } : null;
  }

  /** Downloads and stores (or hands out uncached) one volume; `existing` makes it a revalidation. */
  private async download(job: Download): Promise<GetResult> {
    const { backend, platform, hashWorker, stallTimeoutMs, onStored } = this.options;
    const { request, expectedSha256, existing, signal, report, initialResponse, wasPinned } = job;
    const revalidate: ResponseValidators | undefined =
      existing && expectedSha256 === null && (existing.etag || existing.lastModified) ? { etag: existing.etag, lastModified: existing.lastModified } : undefined;
    const outcome = await backend.download({
      request,
      expectedSha256,
      existing,
      wasPinned,
      ttlSeconds: request.ttlSeconds ?? backend.config().defaultTtlSeconds,
      onStored,
      download: {
        url: request.url,
        headers: request.headers ?? {},
        signal,
        expect: request.expect ?? 'nifti',
        onProgress: progressReporter(request.url, report, (progress) => backend.changes.post({ type: 'progress', ...progress }), platform.now),
        fetch: platform.fetch,
        hashWorker,
        retries: DEFAULTS.resumeRetries,
        backoffMs: DEFAULTS.resumeBackoffMs,
        stallTimeoutMs,
        ...(revalidate ? { revalidate } : {}),
        ...(initialResponse ? { initialResponse } : {}),
      },
    });
    // A 304 for an entry whose file turned out to be gone: download it afresh.
    if (outcome === 'refetch') {
      const { initialResponse: _consumed, ...afresh } = job;
      return this.download({ ...afresh, existing: null, wasPinned: existing?.pinned ?? false });
    }
    return outcome;
  }
}

/** Calls share a download only when they would store the same thing. */
function flightKey(request: EngineRequest, expectedSha256: string | null): string {
  return `${request.key}\n${expectedSha256 ?? ''}\n${request.expect ?? 'nifti'}`;
}

/** Revalidation failures that leave the cached copy the best answer (offline, server trouble, rate limiting). */
function isServableAsStale(error: unknown): boolean {
  if (!(error instanceof VolumeCacheError)) return false;
  return error.code === 'network' || (error.code === 'http-status' && ((error.status ?? 0) >= 500 || error.status === 429));
}
