import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VolumeCacheError } from '../../../src/errors';
import { createMemorySink } from '../../../src/storage/ByteSink';
import { MAX_RETRY_AFTER_SECONDS, downloadVolume, type DownloadRequest, type DownloadResult } from '../../../src/engine/downloadVolume';

// downloadVolume against a scripted fetch, on fake timers, so the waits it
// makes (Retry-After, backoff) are measured exactly and cost no real time.

const URL_ = 'https://data.example/volume.nii';
const BODY = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7 + 3) & 0xff);
const OTHER = Uint8Array.from({ length: 4096 }, (_, i) => (i * 11 + 5) & 0xff);
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Call {
  atMs: number;
  headers: Record<string, string>;
  method: string;
  redirect: RequestRedirect | undefined;
}

type Answer = Response | Error | ((call: Call) => Response | Error);

/** A fetch that answers from `script` in order and records when and how it was called. */
function scriptedFetch(script: Answer[]): { fetch: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchImpl = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    const call: Call = { atMs: Date.now(), headers, method: init?.method ?? 'GET', redirect: init?.redirect };
    calls.push(call);
    const next = script.shift();
    if (next === undefined) throw new Error(`unscripted request #${calls.length}`);
    const answer = typeof next === 'function' ? next(call) : next;
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { fetch: fetchImpl as typeof fetch, calls };
}

const ok = (body = BODY, headers: Record<string, string> = {}) =>
  new Response(body.slice(), { status: 200, headers: { 'Content-Length': String(body.byteLength), ETag: '"v1"', ...headers } });

/** A 200 whose connection drops after `bytes` bytes. */
const dropsAfter = (bytes: number, headers: Record<string, string> = {}) => {
  let sent = false;
  return new Response(
    new ReadableStream<Uint8Array>({
      // Erroring in the same call would discard the queued bytes; a real connection hands them over first.
      pull(controller) {
        if (sent) return controller.error(new TypeError('network error'));
        sent = true;
        controller.enqueue(BODY.slice(0, bytes));
      },
    }),
    { status: 200, headers: { 'Content-Length': String(BODY.byteLength), ETag: '"v1"', ...headers } },
  );
};

const partial = (source: Uint8Array, from: number, headers: Record<string, string> = {}) =>
  new Response(source.slice(from), {
    status: 206,
    headers: { 'Content-Range': `bytes ${from}-${source.byteLength - 1}/${source.byteLength}`, ETag: '"v1"', ...headers },
  });

const unavailable = (status: 503 | 429 | 500, retryAfter?: string) => {
  let cancelled = false;
  const response = new Response(
    new ReadableStream({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('busy'));
      },
      cancel() {
        cancelled = true;
      },
    }),
    { status, statusText: status === 503 ? 'Service Unavailable' : status === 429 ? 'Too Many Requests' : 'Internal Server Error', headers: retryAfter === undefined ? {} : { 'Retry-After': retryAfter } },
  );
  return Object.assign(response, { wasCancelled: () => cancelled });
};

function request(fetchImpl: typeof fetch, extra: Partial<DownloadRequest> = {}): DownloadRequest {
  return {
    url: URL_,
    headers: {},
    signal: new AbortController().signal,
    expect: 'any',
    onProgress: () => undefined,
    openSink: async () => createMemorySink(),
    onQuotaExceeded: async () => false,
    fetch: fetchImpl,
    retries: 4,
    backoffMs: 250,
    stallTimeoutMs: 30_000,
    ...extra,
  };
}

/** Runs the download to completion, moving fake time on in small steps so every wait is measured to 10 ms. */
async function run(req: DownloadRequest): Promise<DownloadResult> {
  let settled = false;
  const promise = downloadVolume(req).finally(() => {
    settled = true;
  });
  promise.catch(() => undefined);
  while (!settled) {
    await vi.advanceTimersByTimeAsync(10);
    // Real turns of the event loop: hashing sets itself up outside the fake timers.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

async function failure(req: DownloadRequest): Promise<VolumeCacheError> {
  try {
    await run(req);
  } catch (error) {
    expect(error).toBeInstanceOf(VolumeCacheError);
    return error as VolumeCacheError;
  }
  throw new Error('expected the download to fail');
}

const gaps = (calls: Call[]) => calls.slice(1).map((call, i) => call.atMs - calls[i]!.atMs);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('downloadVolume: 503 and 429 with Retry-After', () => {
  it.each([
    ['503, delta-seconds', unavailable(503, '1'), 1000],
    ['429, delta-seconds', unavailable(429, '2'), 2000],
    ['503, at the cap', unavailable(503, String(MAX_RETRY_AFTER_SECONDS)), MAX_RETRY_AFTER_SECONDS * 1000],
    ['503, 0 s waits the backoff floor', unavailable(503, '0'), 250],
  ])('%s: waits as asked, then downloads', async (_, first, waitMs) => {
    const { fetch, calls } = scriptedFetch([first, ok()]);
    const result = await run(request(fetch));
    expect(result).toMatchObject({ kind: 'complete', bytes: BODY.byteLength, sha256: sha256(BODY) });
    expect(calls).toHaveLength(2);
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(waitMs);
    expect(gaps(calls)[0]).toBeLessThan(waitMs + 50);
    expect(first.wasCancelled()).toBe(true);
  });

  it('waits for an HTTP-date Retry-After until that date', async () => {
    const { fetch, calls } = scriptedFetch([() => unavailable(503, new Date(Date.now() + 3000).toUTCString()), ok()]);
    await run(request(fetch));
    // Whole seconds: the date lands 2 to 3 s ahead.
    expect(gaps(calls)[0]).toBeGreaterThanOrEqual(2000);
    expect(gaps(calls)[0]).toBeLessThanOrEqual(3050);
  });

  it('does not wait beyond the cap: http-status with status and retryAfterSeconds, one request', async () => {
    const { fetch, calls } = scriptedFetch([unavailable(503, String(MAX_RETRY_AFTER_SECONDS + 1))]);
    const error = await failure(request(fetch));
    expect(error).toMatchObject({ code: 'http-status', status: 503, retryAfterSeconds: 31, url: URL_ });
    expect(error.detail).toBe(`The server answered 503 Service Unavailable for ${URL_} and asked to retry after 31 s.`);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['no Retry-After', unavailable(503)],
    ['a malformed Retry-After', unavailable(503, 'soon')],
    ['a 500, even with Retry-After', unavailable(500, '1')],
  ])('does not wait on %s', async (_, answer) => {
    const { fetch, calls } = scriptedFetch([answer]);
    const error = await failure(request(fetch));
    expect(error).toMatchObject({ code: 'http-status', status: answer.status });
    expect(error.retryAfterSeconds).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('does not wait when revalidating: fails at once so the cached copy can be served', async () => {
    const { fetch, calls } = scriptedFetch([unavailable(503, '1')]);
    const error = await failure(request(fetch, { revalidate: { etag: '"v1"', lastModified: null } }));
    expect(error).toMatchObject({ code: 'http-status', status: 503, retryAfterSeconds: 1 });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers['if-none-match']).toBe('"v1"');
  });

  it('counts the waits against the retries budget, then gives up with the last Retry-After', async () => {
    const { fetch, calls } = scriptedFetch(Array.from({ length: 3 }, () => unavailable(429, '1')));
    const error = await failure(request(fetch, { retries: 2 }));
    expect(error).toMatchObject({ code: 'http-status', status: 429, retryAfterSeconds: 1 });
    expect(error.detail).toBe(`The server answered 429 Too Many Requests for ${URL_} and asked to retry after 1 s; 2 retries made no progress.`);
    expect(calls).toHaveLength(3);
  });

  it('waits out a 503 to a resume, then resumes at the same byte', async () => {
    const { fetch, calls } = scriptedFetch([dropsAfter(1000), unavailable(503, '2'), partial(BODY, 1000)]);
    const result = await run(request(fetch));
    expect(result).toMatchObject({ kind: 'complete', bytes: BODY.byteLength, sha256: sha256(BODY) });
    expect(calls.map((call) => call.headers.range ?? null)).toEqual([null, 'bytes=1000-', 'bytes=1000-']);
    expect(gaps(calls)[1]).toBeGreaterThanOrEqual(2000);
  });

  it('a resume answered 503 beyond the cap fails with http-status and retryAfterSeconds', async () => {
    const { fetch } = scriptedFetch([dropsAfter(1000), unavailable(503, '600')]);
    const error = await failure(request(fetch));
    expect(error).toMatchObject({ code: 'http-status', status: 503, retryAfterSeconds: 600 });
    expect(error.detail).toBe(`Resuming ${URL_} failed: the server answered 503 Service Unavailable and asked to retry after 600 s.`);
  });

  it('an abort during the wait rejects with aborted at once, the 503 body already cancelled', async () => {
    const controller = new AbortController();
    const answer = unavailable(503, '20');
    const { fetch, calls } = scriptedFetch([answer]);
    setTimeout(() => controller.abort(), 500);
    const started = Date.now();
    const error = await failure(request(fetch, { signal: controller.signal }));
    expect(error.code).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(answer.wasCancelled()).toBe(true);
    expect(calls).toHaveLength(1);
  });
});

describe('downloadVolume: a resume that answers for another version', () => {
  it.each([
    ['another ETag (a server that ignores If-Range)', partial(OTHER, 1000, { ETag: '"v2"' })],
    ['another Last-Modified', partial(OTHER, 1000, { 'Last-Modified': 'Tue, 02 Jan 2024 00:00:00 GMT' })],
    ['a file of another length', new Response(OTHER.slice(1000, 3000), { status: 206, headers: { 'Content-Range': 'bytes 1000-2999/3000', ETag: '"v1"' } })],
    ['another start', partial(OTHER, 900)],
  ])('%s: restarts from zero instead of splicing', async (_, resumed) => {
    const first = dropsAfter(1000, { 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
    const { fetch, calls } = scriptedFetch([first, resumed, ok(OTHER, { ETag: '"v2"' })]);
    const result = await run(request(fetch));
    expect(result).toMatchObject({ kind: 'complete', bytes: OTHER.byteLength, sha256: sha256(OTHER), meta: { etag: '"v2"' } });
    expect(calls.map((call) => call.headers.range ?? null)).toEqual([null, 'bytes=1000-', null]);
  });

  it('continues a 206 of the same version', async () => {
    const first = dropsAfter(1000, { 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' });
    const { fetch, calls } = scriptedFetch([first, partial(BODY, 1000, { 'Last-Modified': 'Mon, 01 Jan 2024 00:00:00 GMT' })]);
    const result = await run(request(fetch));
    expect(result).toMatchObject({ kind: 'complete', sha256: sha256(BODY), bytesFromNetwork: BODY.byteLength });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers['if-range']).toBe('"v1"');
  });
});

describe('downloadVolume: without hashing', () => {
  it('stores every byte, resumes the same way, and reports no hash', async () => {
    const sink = createMemorySink();
    const { fetch } = scriptedFetch([dropsAfter(1000), partial(BODY, 1000)]);
    const result = await run(request(fetch, { hash: false, openSink: async () => sink }));
    expect(result).toMatchObject({ kind: 'complete', bytes: BODY.byteLength, sha256: null, bytesFromNetwork: BODY.byteLength });
    expect(new Uint8Array(await sink.toFile('v', '').arrayBuffer())).toEqual(BODY);
  });
});

describe('downloadVolume: a first request that fails', () => {
  it('names a redirect the browser could not follow, found by one HEAD that follows none', async () => {
    const { fetch, calls } = scriptedFetch([new TypeError('Failed to fetch'), new Response(null, { status: 302, headers: { Location: '/elsewhere' } })]);
    const error = await failure(request(fetch));
    expect(error.code).toBe('network');
    expect(error.detail).toBe(`${URL_} redirects, and the browser could not follow the redirects to the end (a redirect loop, more than 20 redirects, or a redirect to a URL it may not fetch).`);
    expect(calls.map((call) => [call.method, call.redirect])).toEqual([['GET', undefined], ['HEAD', 'manual']]);
  });

  it('otherwise says the server could not be reached', async () => {
    const { fetch } = scriptedFetch([new TypeError('Failed to fetch'), new TypeError('Failed to fetch')]);
    const error = await failure(request(fetch));
    expect(error.code).toBe('network');
    expect(error.detail).toBe(`Could not reach ${URL_} (Failed to fetch).`);
  });
});

/**
 * A memory sink whose writes fail with QuotaExceededError `failures` times,
 * then succeed; `reopen` says what a fresh writer keeps, as the real sinks
 * do ('intact' for a SyncAccessHandle, 'lost' for a WritableStream).
 */
function quotaSink(failures: number, afterReopen: 'intact' | 'lost') {
  const inner = createMemorySink();
  const log: string[] = [];
  let left = failures;
  const sink = {
    ...inner,
    write(chunk: Uint8Array, offset: number) {
      if (left > 0) {
        left--;
        log.push(`quota at ${offset}`);
        throw new DOMException('quota', 'QuotaExceededError');
      }
      return inner.write(chunk, offset);
    },
    truncate(length: number) {
      log.push(`truncate ${length}`);
      return inner.truncate(length);
    },
    async reopen() {
      log.push(`reopen ${afterReopen}`);
      if (afterReopen === 'lost') await inner.truncate(0);
      return afterReopen;
    },
  };
  return { sink, log, file: () => inner.toFile('v', '') };
}

describe('downloadVolume: running out of storage', () => {
  it('asks for room once, then retries the write on a sink that kept what it had', async () => {
    const { sink, log, file } = quotaSink(1, 'intact');
    const asked: unknown[] = [];
    const { fetch } = scriptedFetch([ok()]);
    const result = await run(request(fetch, { openSink: async () => sink, onQuotaExceeded: async (shortfall) => (asked.push(shortfall), true) }));
    expect(result).toMatchObject({ kind: 'complete', bytes: BODY.byteLength, sha256: sha256(BODY) });
    expect(asked).toMatchObject([{ totalBytes: BODY.byteLength, keptBytes: 0, meta: { etag: '"v1"' } }]);
    expect(log).toEqual(['quota at 0', 'reopen intact']);
    expect(new Uint8Array(await file().arrayBuffer())).toEqual(BODY);
  });

  it('with a sink that had to start empty (a failed WritableStream), fetches the whole body again into the fresh writer', async () => {
    const { sink, log, file } = quotaSink(1, 'lost');
    const { fetch, calls } = scriptedFetch([ok(), ok()]);
    const result = await run(request(fetch, { openSink: async () => sink, onQuotaExceeded: async () => true }));
    expect(result).toMatchObject({ kind: 'complete', bytes: BODY.byteLength, sha256: sha256(BODY) });
    expect(calls).toHaveLength(2);
    expect(calls[1]!.headers.range).toBeUndefined();
    expect(log).toEqual(['quota at 0', 'reopen lost', 'truncate 0']);
    expect(new Uint8Array(await file().arrayBuffer())).toEqual(BODY);
  });

  it('fails with quota when no room can be made, and when storage runs out a second time', async () => {
    const none = quotaSink(1, 'intact');
    const { fetch: once } = scriptedFetch([ok()]);
    expect(await failure(request(once, { openSink: async () => none.sink, onQuotaExceeded: async () => false }))).toMatchObject({ code: 'quota', url: URL_ });
    const twice = quotaSink(2, 'intact');
    const { fetch } = scriptedFetch([ok()]);
    expect(await failure(request(fetch, { openSink: async () => twice.sink, onQuotaExceeded: async () => true }))).toMatchObject({ code: 'quota' });
  });

  it('a download that fails on a write cancels its body: the connection does not stay open behind the error', async () => {
    let cancelled: unknown = null;
    const endless = new Response(
      new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(BODY.slice(0, 1024)),
        cancel: (reason) => {
          cancelled = reason;
        },
      }),
      { status: 200, headers: { 'Content-Length': String(1024 * 1024), ETag: '"v1"' } },
    );
    const none = quotaSink(1, 'intact');
    const { fetch } = scriptedFetch([endless]);
    expect(await failure(request(fetch, { openSink: async () => none.sink, onQuotaExceeded: async () => false }))).toMatchObject({ code: 'quota' });
    expect(cancelled).toMatchObject({ code: 'quota' });
  });

  it('a sink that cannot be opened is a coded error, and the body is let go', async () => {
    let cancelled = false;
    const body = new Response(
      new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(BODY.slice(0, 1024)),
        cancel: () => {
          cancelled = true;
        },
      }),
      { status: 200, headers: { 'Content-Length': String(BODY.byteLength) } },
    );
    const refused = async (): Promise<never> => {
      throw new DOMException('The object is in an invalid state.', 'InvalidStateError');
    };
    const { fetch } = scriptedFetch([body]);
    expect(await failure(request(fetch, { openSink: refused }))).toMatchObject({ code: 'unsupported', message: expect.stringContaining('InvalidStateError') });
    expect(cancelled).toBe(true);
    const full = async (): Promise<never> => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    expect(await failure(request(scriptedFetch([ok()]).fetch, { openSink: full }))).toMatchObject({ code: 'quota' });
  });

  it('stops a body without Content-Length at maxUnknownLengthBytes with quota: an endless body fills nothing', async () => {
    let sent = 0;
    const endless = new Response(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 1024;
          controller.enqueue(new Uint8Array(1024));
        },
      }),
      { status: 200 },
    );
    const { fetch } = scriptedFetch([endless]);
    const error = await failure(request(fetch, { maxUnknownLengthBytes: 8192 }));
    expect(error).toMatchObject({ code: 'quota', message: expect.stringMatching(/no Content-Length and grew past 8192 bytes/) });
    expect(sent).toBeLessThan(64 * 1024);
  });

  it('keeps a body of known length larger than maxUnknownLengthBytes (it is handed out uncached by the caller)', async () => {
    const { fetch } = scriptedFetch([ok()]);
    expect(await run(request(fetch, { maxUnknownLengthBytes: 100 }))).toMatchObject({ kind: 'complete', bytes: BODY.byteLength });
  });
});
