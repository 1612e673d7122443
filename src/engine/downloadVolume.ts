import { VolumeCacheError } from '../errors';
import { withEngineMarker } from '../shared/engineRequestMarker';
import type { NiftiSummary } from '../types';
import type { ByteSink } from '../storage/ByteSink';
import { NiftiStreamValidator } from '../nifti/NiftiStreamValidator';
import { createChunkHasher, type ChunkHasher, type HashWorkerSource } from './ChunkHasher';
import { parseRetryAfter } from './parseRetryAfter';
import { isQuotaExceeded } from '../storage/isQuotaExceeded';

export interface ResponseValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface ResponseMeta extends ResponseValidators {
  contentType: string;
  /** The Content-Encoding the browser removed (e.g. "gzip"), or null: the body read is the decoded one. */
  contentEncoding: string | null;
  cacheControl: string;
  /** The response's Vary header, or null. */
  vary: string | null;
}

/** What a download needs room for after a write ran out of storage. */
export interface QuotaShortfall {
  /** The whole body's length, or null when the response did not say. */
  totalBytes: number | null;
  /** What is written and survived the failure; the rest must still be written. */
  keptBytes: number;
  /** The response being written: whether it may be kept at all decides whether anything is evicted for it. */
  meta: ResponseMeta;
}

export interface DownloadRequest {
  url: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** When set, the request is conditional and a 304 ends it without a body. */
  revalidate?: ResponseValidators;
  expect: 'nifti' | 'any';
  onProgress: (loaded: number, total: number | null) => void;
  /** Opened once the response turns out to have a body worth storing. */
  openSink: () => Promise<ByteSink>;
  /**
   * Frees room after a QuotaExceededError for a body of `totalBytes` (null:
   * unknown) of which `keptBytes` survive the failure; true if it freed
   * enough to try again (once, with a fresh writer where the sink needs one).
   */
  onQuotaExceeded: (shortfall: QuotaShortfall) => Promise<boolean>;
  /**
   * A body with no Content-Length that grows past this many bytes fails with
   * `quota`: it could not be kept, and an endless body must not fill the disk
   * (or, network-only, the memory). Undefined: no cap.
   */
  maxUnknownLengthBytes?: number;
  fetch: typeof fetch;
  /**
   * A response already fetched by someone else (the service worker, which
   * streams the same body to the page); used instead of the first request.
   */
  initialResponse?: Response;
  /** Further attempts after one that made no progress: resumes, and waits a 503/429 asked for. */
  retries: number;
  backoffMs: number;
  /** An attempt that receives nothing (headers or body bytes) for this long is cut and resumed. */
  stallTimeoutMs: number;
  /**
   * false skips hashing (the result's sha256 is null): for a body that is
   * not stored, where a hash would only serve an integrity check the caller
   * can make on the whole body, and where WebAssembly may be unavailable.
   */
  hash?: boolean;
  /**
   * The body as stored, once written (`bytes` long): the NIfTI check reads a
   * multi-member .nii.gz back through it, a single inflater having failed
   * where the first member ended (see NiftiStreamValidator).
   */
  readBack?: (bytes: number) => Promise<Blob>;
  /** Where a large download's hash may run in parallel; null hashes in this thread. */
  hashWorker?: HashWorkerSource | null;
}

/** `Sha256` is the hash's type: a string, or null for a download asked not to hash. */
export type DownloadResult<Sha256 extends string | null = string | null> =
  | { kind: 'not-modified'; meta: ResponseMeta }
  | { kind: 'complete'; bytes: number; sha256: Sha256; meta: ResponseMeta; nifti: NiftiSummary | null; bytesFromNetwork: number };

/**
 * The longest Retry-After a 503 or 429 may ask for and still be waited out.
 * Someone is usually watching the load: a short wait is worth making, a longer
 * one is better reported at once (with the wait, as retryAfterSeconds) than
 * spent behind a progress bar that does not move.
 */
export const MAX_RETRY_AFTER_SECONDS = 30;

/**
 * Streams one HTTP response into a sink while hashing and validating it.
 * A connection dropped mid-body is resumed from the last byte written with a
 * Range request guarded by If-Range, so the hash continues; a server that
 * ignores the range or whose validator changed restarts from zero. A 503 or
 * 429 that says when to come back (Retry-After) is waited out and asked again,
 * except when revalidating: then the cached copy is the better answer now.
 */
export function downloadVolume(request: DownloadRequest & { hash?: true }): Promise<DownloadResult<string>>;
export function downloadVolume(request: DownloadRequest & { hash: false }): Promise<DownloadResult<null>>;
export function downloadVolume(request: DownloadRequest): Promise<DownloadResult>;
export async function downloadVolume(request: DownloadRequest): Promise<DownloadResult> {
  const { url, signal } = request;
  let retriesLeft = request.retries;
  let response = request.initialResponse ?? (await fetchOnce(request, initialHeaders(request), true));
  for (;;) {
    if (response.status === 304 && request.revalidate) {
      await response.body?.cancel().catch(() => undefined);
      return { kind: 'not-modified', meta: readMeta(response) };
    }
    if (response.status === 200) break;
    await response.body?.cancel().catch(() => undefined);
    const answer = readAnswer(response);
    const waitSeconds = honouredRetryAfter(answer, request);
    if (waitSeconds === null) throw httpStatusError(url, answer, 'first');
    if (retriesLeft === 0) throw httpStatusError(url, answer, 'gave-up', request.retries);
    retriesLeft--;
    await sleep(Math.max(waitSeconds * 1000, request.backoffMs), signal, url);
    response = await fetchOnce(request, initialHeaders(request), true);
  }

  const meta = readMeta(response);
  let encoded = isContentEncoded(response);
  let total = encoded ? null : contentLength(response);
  let sink: ByteSink;
  try {
    sink = await request.openSink();
  } catch (error) {
    // No file to write to (the disk full, a handle the browser refuses): a coded error, and the body let go.
    await response.body?.cancel().catch(() => undefined);
    throw asQuotaError(error, url);
  }
  const hashing = request.hash !== false;
  let hasher: ChunkHasher | null = hashing ? await createChunkHasher(total, request.hashWorker ?? null) : null;
  let validator = request.expect === 'nifti' ? new NiftiStreamValidator(url) : null;
  let offset = 0;
  let bytesFromNetwork = 0;
  let quotaRetried = false;
  let lastFailure: unknown = null;
  /** Set when the last attempt was a 503/429 to wait out: its answer and the wait it asked for. */
  let unavailable: { answer: StatusAnswer; waitMs: number } | null = null;
  /** Set when a 206 turned out to continue a different version: the next attempt asks for everything. */
  let restartFromZero = false;
  let furthest = 0;

  /** Stores, validates and hashes one chunk; returns a buffer the reader may fill next (the chunk's may be gone). */
  const writeChunk = async (chunk: Uint8Array): Promise<ArrayBuffer | null> => {
    const length = chunk.byteLength;
    if (total === null && request.maxUnknownLengthBytes !== undefined && offset + length > request.maxUnknownLengthBytes) {
      throw new VolumeCacheError(
        'quota',
        `The response has no Content-Length and grew past ${request.maxUnknownLengthBytes} bytes (maxBytes): it could not be kept, so the download stopped.`,
        { url },
      );
    }
    try {
      await sink.write(chunk, offset);
    } catch (error) {
      if (!isQuotaExceeded(error) || quotaRetried) throw asQuotaError(error, url);
      quotaRetried = true;
      // Only a fresh writer can succeed where a WritableStream failed; what it held is gone with it.
      const state = await sink.reopen();
      if (!(await request.onQuotaExceeded({ totalBytes: total, keptBytes: state === 'intact' ? offset : 0, meta }))) throw asQuotaError(error, url);
      if (state === 'lost') throw new SinkLost();
      try {
        await sink.write(chunk, offset);
      } catch (again) {
        throw asQuotaError(again, url);
      }
    }
    if (validator) await validator.push(chunk);
    // Last: the hasher may transfer the chunk's buffer to its worker.
    const next = hasher ? await hasher.update(chunk) : (chunk.buffer as ArrayBuffer);
    offset += length;
    bytesFromNetwork += length;
    request.onProgress(offset, total);
    return next;
  };

  /**
   * Reads a body to its end; returns the network error that cut it short, if
   * any. Byte streams (fetch bodies) are read BYOB into one reused buffer:
   * reading default chunks left a 1 GB download's worth of garbage for the
   * collector, ~120-230 MiB of renderer memory at peak; reused, it is ~0. So
   * every consumer of a chunk must be done with it (or copy it) before the
   * next read.
   */
  const pump = async (body: ReadableStream<Uint8Array>): Promise<unknown> => {
    const read = openReader(body);
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await withStallTimeout(read.next(), request.stallTimeoutMs);
        } catch (error) {
          // Cancelling the body closes the stalled connection before a resume opens another.
          if (error instanceof StallError) await read.cancel(error);
          return error ?? new Error('read failed');
        }
        if (chunk.done) return null;
        // Checked here too, not only by fetch: a body the service worker fetched (ingest) is not tied to this signal.
        if (signal.aborted) {
          await read.cancel(signal.reason);
          return null;
        }
        try {
          read.recycle(await writeChunk(chunk.value));
        } catch (error) {
          // The body must not outlive the download: left open, each such failure
          // held a connection until the server gave up, and six of them filled
          // Chromium's per-host pool, so every later request to it stalled.
          await read.cancel(error);
          throw error;
        }
      }
    } finally {
      read.release();
    }
  };

  try {
    let current: Response | null = response;
    for (;;) {
      if (current) {
        let failure: unknown;
        try {
          failure = current.body ? await pump(current.body) : null;
        } catch (error) {
          if (!(error instanceof SinkLost)) throw error;
          // Room was made, but the bytes written so far went with the failed writer: fetch it all again.
          await current.body?.cancel().catch(() => undefined);
          current = null;
          restartFromZero = true;
          lastFailure = error;
          continue;
        }
        if (signal.aborted) throw abortedError(url, signal);
        // A clean end short of Content-Length is a dropped connection too.
        if (failure === null && (total === null || offset === total)) break;
        if (failure === null && total !== null && offset > total) {
          throw new VolumeCacheError('corrupt', `The server sent ${offset} bytes but announced ${total}.`, { url });
        }
        lastFailure = failure ?? new Error(`body ended after ${offset} of ${total} bytes`);
        current = null;
        // Retries are counted from the last progress: a flaky link that keeps
        // delivering gets there; one that delivers nothing gives up.
        if (offset > furthest) {
          furthest = offset;
          retriesLeft = request.retries;
        }
      }
      if (retriesLeft === 0) {
        if (unavailable) throw httpStatusError(url, unavailable.answer, 'gave-up', request.retries);
        throw new VolumeCacheError(
          'network',
          `The connection dropped after ${offset}${total === null ? '' : ` of ${total}`} bytes and ${request.retries} attempts to resume made no progress.`,
          { url, cause: lastFailure },
        );
      }
      retriesLeft--;
      const backoffMs = request.backoffMs * 2 ** (request.retries - retriesLeft - 1);
      // The server's own wait replaces the backoff; backoffMs stays the floor so Retry-After: 0 cannot make a tight loop.
      await sleep(unavailable ? Math.max(unavailable.waitMs, request.backoffMs) : backoffMs, signal, url);
      unavailable = null;

      const validatorForRange = resumableValidator(meta);
      const canResume = validatorForRange !== null && !encoded && offset > 0 && !restartFromZero;
      let next: Response;
      try {
        next = await fetchOnce(request, canResume ? { ...request.headers, Range: `bytes=${offset}-`, 'If-Range': validatorForRange } : { ...request.headers });
      } catch (error) {
        if (error instanceof VolumeCacheError && error.code === 'network') {
          lastFailure = error;
          continue;
        }
        throw error;
      }
      if (canResume && next.status === 206) {
        const mismatch = discontinuity(next, offset, total, meta);
        if (mismatch === null) {
          current = next;
          continue;
        }
        // The range comes from another version of the file (a server that ignores If-Range, or a
        // file whose length or date changed under the same ETag): continuing would store a mix.
        await next.body?.cancel().catch(() => undefined);
        lastFailure = new Error(`the resumed response ${mismatch}`);
        restartFromZero = true;
        continue;
      }
      if (next.status === 200) {
        // No range support, or the file changed so If-Range failed: start over.
        Object.assign(meta, readMeta(next));
        encoded = isContentEncoded(next);
        total = encoded ? null : contentLength(next);
        await sink.truncate(0);
        offset = 0;
        restartFromZero = false;
        hasher?.dispose();
        hasher = hashing ? await createChunkHasher(total, request.hashWorker ?? null) : null;
        validator?.abandon();
        validator = request.expect === 'nifti' ? new NiftiStreamValidator(url) : null;
        current = next;
        continue;
      }
      await next.body?.cancel().catch(() => undefined);
      const answer = readAnswer(next);
      const waitSeconds = honouredRetryAfter(answer, request);
      if (waitSeconds === null) throw httpStatusError(url, answer, 'resuming');
      unavailable = { answer, waitMs: waitSeconds * 1000 };
    }

    // Closed first: the NIfTI check may read the stored body back.
    await sink.close();
    const { readBack } = request;
    const nifti = validator ? await validator.finish(readBack ? () => readBack(offset) : undefined) : null;
    const sha256 = hasher ? await hasher.digestHex() : null;
    hasher?.dispose();
    return { kind: 'complete', bytes: offset, sha256, meta, nifti, bytesFromNetwork };
  } catch (error) {
    validator?.abandon();
    hasher?.dispose();
    await sink.discard().catch(() => undefined);
    if (signal.aborted && !(error instanceof VolumeCacheError && error.code !== 'aborted')) throw abortedError(url, signal);
    throw error;
  }
}

function initialHeaders(request: DownloadRequest): Record<string, string> {
  const headers = { ...request.headers };
  if (request.revalidate?.etag) headers['If-None-Match'] = request.revalidate.etag;
  if (request.revalidate?.lastModified) headers['If-Modified-Since'] = request.revalidate.lastModified;
  return headers;
}

/** What an error answer said, read when it arrived (an HTTP-date Retry-After counts from then). */
interface StatusAnswer {
  status: number;
  statusText: string;
  /** Only for 503 and 429, the statuses whose Retry-After means "come back then". */
  retryAfterSeconds: number | null;
}

function readAnswer(response: Response): StatusAnswer {
  const unavailable = response.status === 503 || response.status === 429;
  return {
    status: response.status,
    statusText: response.statusText,
    retryAfterSeconds: unavailable ? parseRetryAfter(response.headers.get('Retry-After'), Date.now()) : null,
  };
}

/** Seconds to wait before asking again, or null when the answer is final for this download. */
function honouredRetryAfter(answer: StatusAnswer, request: DownloadRequest): number | null {
  // Revalidating: the engine has a copy to serve now, which beats making the caller wait.
  if (request.revalidate) return null;
  if (answer.retryAfterSeconds === null || answer.retryAfterSeconds > MAX_RETRY_AFTER_SECONDS) return null;
  return answer.retryAfterSeconds;
}

/**
 * `first`: the answer to the first request; `resuming`: to a resume;
 * `gave-up`: a Retry-After that was waited out `retries` times without success.
 */
function httpStatusError(url: string, answer: StatusAnswer, when: 'first' | 'resuming' | 'gave-up', retries = 0): VolumeCacheError {
  const status = answer.statusText ? `${answer.status} ${answer.statusText}` : String(answer.status);
  const said = when === 'resuming' ? `Resuming ${url} failed: the server answered ${status}` : `The server answered ${status} for ${url}`;
  const wait = answer.retryAfterSeconds === null ? '' : ` and asked to retry after ${answer.retryAfterSeconds} s`;
  const outcome = when === 'gave-up' ? `; ${retries} ${retries === 1 ? 'retry' : 'retries'} made no progress` : '';
  return new VolumeCacheError('http-status', `${said}${wait}${outcome}.`, {
    url,
    status: answer.status,
    ...(answer.retryAfterSeconds === null ? {} : { retryAfterSeconds: answer.retryAfterSeconds }),
  });
}

/** `diagnose`: a failure is final, so it is worth a request to say what failed. */
async function fetchOnce(request: DownloadRequest, headers: Record<string, string>, diagnose = false): Promise<Response> {
  const stall = new AbortController();
  const timer = setTimeout(() => stall.abort(new StallError(request.stallTimeoutMs)), request.stallTimeoutMs);
  try {
    // no-store: the cache is the copy; letting the HTTP cache keep a second
    // one of a 1 GB volume would double the disk used. It also keeps the
    // browser from adding validators of its own to our conditional requests.
    return await request.fetch(request.url, {
      headers: withEngineMarker(headers),
      signal: AbortSignal.any([request.signal, stall.signal]),
      cache: 'no-store',
      credentials: 'same-origin',
    });
  } catch (error) {
    if (request.signal.aborted) throw abortedError(request.url, request.signal);
    if (stall.signal.aborted) {
      throw new VolumeCacheError('network', `${request.url} sent no response for ${request.stallTimeoutMs / 1000} s.`, { url: request.url, cause: error });
    }
    if (diagnose && (await redirectsElsewhere(request))) {
      throw new VolumeCacheError(
        'network',
        `${request.url} redirects, and the browser could not follow the redirects to the end (a redirect loop, more than 20 redirects, or a redirect to a URL it may not fetch).`,
        { url: request.url, cause: error },
      );
    }
    throw new VolumeCacheError('network', `Could not reach ${request.url} (${error instanceof Error ? error.message : String(error)}).`, { url: request.url, cause: error });
  } finally {
    // Headers arrived (or it failed): from here the body has its own watchdog.
    clearTimeout(timer);
  }
}

/**
 * fetch() reports a redirect loop exactly like an unreachable server
 * ("Failed to fetch"), which would send the user to check a connection that
 * works. One HEAD that does not follow redirects tells them apart; HEAD, so
 * that no body is started.
 */
async function redirectsElsewhere(request: DownloadRequest): Promise<boolean> {
  try {
    const probe = await request.fetch(request.url, {
      method: 'HEAD',
      headers: withEngineMarker({ ...request.headers }),
      signal: AbortSignal.any([request.signal, AbortSignal.timeout(request.stallTimeoutMs)]),
      cache: 'no-store',
      credentials: 'same-origin',
      redirect: 'manual',
    });
    return probe.type === 'opaqueredirect' || (probe.status >= 300 && probe.status < 400 && probe.headers.has('Location'));
  } catch {
    return false;
  }
}

function readMeta(response: Response): ResponseMeta {
  return {
    etag: response.headers.get('ETag'),
    lastModified: response.headers.get('Last-Modified'),
    contentType: response.headers.get('Content-Type') ?? 'application/octet-stream',
    contentEncoding: isContentEncoded(response) ? response.headers.get('Content-Encoding')!.trim().toLowerCase() : null,
    cacheControl: response.headers.get('Cache-Control') ?? '',
    vary: response.headers.get('Vary'),
  };
}

function isContentEncoded(response: Response): boolean {
  const encoding = response.headers.get('Content-Encoding');
  return encoding !== null && encoding.trim().toLowerCase() !== 'identity';
}

function contentLength(response: Response): number | null {
  const value = response.headers.get('Content-Length');
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value);
}

/** If-Range needs a strong ETag; a weak one falls back to Last-Modified. */
function resumableValidator(meta: ResponseValidators): string | null {
  if (meta.etag && !meta.etag.startsWith('W/')) return meta.etag;
  return meta.lastModified;
}

/**
 * Why a 206 does not continue the download at `offset`, or null if it does:
 * it must start there, end where the file ends, come from a file of the same
 * length, and not name a different version than the one being resumed.
 */
function discontinuity(response: Response, offset: number, total: number | null, meta: ResponseValidators): string | null {
  const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('Content-Range') ?? '');
  if (!range) return 'has no usable Content-Range';
  const [start, end, complete] = [Number(range[1]), Number(range[2]), range[3] === '*' ? null : Number(range[3])];
  if (start !== offset) return `starts at byte ${start}, not ${offset}`;
  if (total !== null && complete !== null && complete !== total) return `is of a ${complete}-byte file, not ${total} bytes`;
  if (complete !== null && end !== complete - 1) return `ends at byte ${end} of ${complete}`;
  // A server that ignores If-Range still says which version it sent.
  const etag = response.headers.get('ETag');
  if (meta.etag && etag && etag !== meta.etag) return `has ETag ${etag}, not ${meta.etag}`;
  const lastModified = response.headers.get('Last-Modified');
  if (meta.lastModified && lastModified && Date.parse(lastModified) !== Date.parse(meta.lastModified)) {
    return `was last modified ${lastModified}, not ${meta.lastModified}`;
  }
  return null;
}

function asQuotaError(error: unknown, url: string): VolumeCacheError {
  if (error instanceof VolumeCacheError) return error;
  if (isQuotaExceeded(error)) return new VolumeCacheError('quota', 'Storage ran out while writing the volume.', { url, cause: error });
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new VolumeCacheError('unsupported', `Writing the volume to storage failed (${reason}).`, { url, cause: error });
}

class StallError extends Error {
  constructor(readonly ms: number) {
    super(`no data for ${ms / 1000} s`);
    this.name = 'StallError';
  }
}

/** Rejects with a StallError if `read` does not settle within `ms`. */
function withStallTimeout<T>(read: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StallError(ms)), ms);
  });
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

function abortedError(url: string, signal: AbortSignal): VolumeCacheError {
  return new VolumeCacheError('aborted', `The download of ${url} was aborted.`, { url, cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortedError(url, signal));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(url, signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const READ_BUFFER_BYTES = 1024 * 1024;

interface BodyReader {
  next(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** A buffer for the next read (null: allocate a fresh one). */
  recycle(buffer: ArrayBuffer | null): void;
  cancel(reason: unknown): Promise<void>;
  release(): void;
}

/** A BYOB reader into one reused buffer where the stream allows it, else a default reader. */
function openReader(body: ReadableStream<Uint8Array>): BodyReader {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = body.getReader({ mode: 'byob' });
  } catch {
    // Not a byte stream (a service worker's split body): plain chunks.
  }
  if (byob) {
    const reader = byob;
    let buffer: ArrayBuffer = new ArrayBuffer(READ_BUFFER_BYTES);
    return {
      next: async () => {
        const result = await reader.read(new Uint8Array(buffer, 0, buffer.byteLength));
        return result.done ? { done: true, value: undefined } : { done: false, value: result.value as Uint8Array };
      },
      recycle: (next) => {
        buffer = next && next.byteLength === READ_BUFFER_BYTES ? next : new ArrayBuffer(READ_BUFFER_BYTES);
      },
      cancel: (reason) => reader.cancel(reason).catch(() => undefined),
      release: () => reader.releaseLock(),
    };
  }
  const reader = body.getReader();
  return {
    next: () => reader.read(),
    recycle: () => undefined,
    cancel: (reason) => reader.cancel(reason).catch(() => undefined),
    release: () => reader.releaseLock(),
  };
}

/** Thrown out of the read loop when a fresh writer lost what was written: the download restarts from byte 0. */
class SinkLost extends Error {
  constructor() {
    super('the sink was reopened empty after running out of storage');
  }
}
