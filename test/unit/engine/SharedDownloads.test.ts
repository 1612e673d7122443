import { describe, it, expect, vi, afterEach } from 'vitest';
import { SharedDownloads } from '../../../src/engine/SharedDownloads';
import { VolumeCacheError } from '../../../src/errors';
import type { DownloadProgress } from '../../../src/types';

const URL_A = 'https://data.example/a.nii.gz';

interface Flight {
  signal: AbortSignal;
  report: (progress: DownloadProgress) => void;
  resolve: (value: string) => void;
  reject: (error: unknown) => void;
}

/** A `start` whose flights the test settles by hand. */
function controllableStart() {
  const flights: Flight[] = [];
  const start = vi.fn((signal: AbortSignal, report: (progress: DownloadProgress) => void) =>
    new Promise<string>((resolve, reject) => {
      flights.push({ signal, report, resolve, reject });
    }),
  );
  return { start, flights };
}

/** Settles to a record instead of rejecting, so no rejection is ever left unobserved. */
function settle<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

afterEach(() => {
  process.off('unhandledRejection', onUnhandled);
  unhandled.length = 0;
});

describe('SharedDownloads', () => {
  it('two joins for one key share one start and get the same value', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const first = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    const second = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    expect(start).toHaveBeenCalledTimes(1);
    expect(downloads.size).toBe(1);
    flights[0]!.resolve('file');
    await expect(first).resolves.toBe('file');
    await expect(second).resolves.toBe('file');
    expect(downloads.size).toBe(0);
  });

  it('different keys get separate flights', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const a = downloads.join('a', start, undefined, new AbortController().signal, URL_A);
    const b = downloads.join('b', start, undefined, new AbortController().signal, URL_A);
    expect(start).toHaveBeenCalledTimes(2);
    expect(downloads.size).toBe(2);
    flights[0]!.resolve('A');
    flights[1]!.resolve('B');
    expect(await Promise.all([a, b])).toEqual(['A', 'B']);
  });

  it('fans progress out to every caller, and stops sending to one that left', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const seenA: DownloadProgress[] = [];
    const seenB: DownloadProgress[] = [];
    const leaverB = new AbortController();
    const a = downloads.join('k', start, (p) => seenA.push(p), new AbortController().signal, URL_A);
    const b = settle(downloads.join('k', start, (p) => seenB.push(p), leaverB.signal, URL_A));
    const noListener = downloads.join('k', start, undefined, new AbortController().signal, URL_A);

    const first = { url: URL_A, loaded: 10, total: 100 };
    flights[0]!.report(first);
    expect(seenA).toEqual([first]);
    expect(seenB).toEqual([first]);

    leaverB.abort();
    const second = { url: URL_A, loaded: 50, total: 100 };
    flights[0]!.report(second);
    expect(seenA).toEqual([first, second]);
    expect(seenB).toEqual([first]);

    flights[0]!.resolve('done');
    await expect(a).resolves.toBe('done');
    await expect(noListener).resolves.toBe('done');
    expect((await b).ok).toBe(false);
  });

  it('one caller aborting rejects only that caller with aborted, and the flight goes on', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const leaver = new AbortController();
    const stayer = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    const leaving = downloads.join('k', start, undefined, leaver.signal, URL_A);

    leaver.abort(new Error('user navigated away'));
    const error = await leaving.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(VolumeCacheError);
    expect(error).toMatchObject({ code: 'aborted', url: URL_A });
    expect(flights[0]!.signal.aborted).toBe(false);

    flights[0]!.resolve('file');
    await expect(stayer).resolves.toBe('file');
  });

  it("a caller ended with the engine's own error (closed) gets that error, not aborted", async () => {
    const downloads = new SharedDownloads<string>();
    const { start } = controllableStart();
    const caller = new AbortController();
    const call = downloads.join('k', start, undefined, caller.signal, URL_A);
    const closed = new VolumeCacheError('closed', 'The cache was closed.');
    caller.abort(closed);
    await expect(call).rejects.toBe(closed);
  });

  it('all callers aborting aborts the flight signal with the last caller’s reason', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const one = new AbortController();
    const two = new AbortController();
    const p1 = downloads.join('k', start, undefined, one.signal, URL_A);
    const p2 = downloads.join('k', start, undefined, two.signal, URL_A);
    const flightSignal = flights[0]!.signal;

    one.abort('first');
    await expect(p1).rejects.toMatchObject({ code: 'aborted' });
    expect(flightSignal.aborted).toBe(false);

    const reason = new Error('second');
    two.abort(reason);
    await expect(p2).rejects.toMatchObject({ code: 'aborted' });
    expect(flightSignal.aborted).toBe(true);
    expect(flightSignal.reason).toBe(reason);

    // The flight then fails with its abort; nobody is listening and nothing leaks.
    process.on('unhandledRejection', onUnhandled);
    flights[0]!.reject(new VolumeCacheError('aborted', 'download aborted', { url: URL_A }));
    await tick();
    await tick();
    expect(unhandled).toEqual([]);
    expect(downloads.size).toBe(0);
  });

  it('a caller whose signal is already aborted is rejected at once and does not keep the flight alive', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const promise = downloads.join('k', start, undefined, AbortSignal.abort(), URL_A);
    await expect(promise).rejects.toMatchObject({ code: 'aborted', url: URL_A });
    expect(flights[0]!.signal.aborted).toBe(true);
    flights[0]!.reject(new Error('aborted'));
  });

  it('aborting after the flight resolved changes nothing', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const caller = new AbortController();
    const promise = downloads.join('k', start, undefined, caller.signal, URL_A);
    flights[0]!.resolve('file');
    await expect(promise).resolves.toBe('file');
    caller.abort();
    expect(flights[0]!.signal.aborted).toBe(false);
  });

  it('after a flight resolves, a new join starts a new flight', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const first = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    flights[0]!.resolve('v1');
    await expect(first).resolves.toBe('v1');

    const second = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    expect(start).toHaveBeenCalledTimes(2);
    flights[1]!.resolve('v2');
    await expect(second).resolves.toBe('v2');
  });

  it('after a flight rejects, a new join starts a new flight', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const first = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    flights[0]!.reject(new VolumeCacheError('network', 'offline'));
    await expect(first).rejects.toMatchObject({ code: 'network' });

    const second = downloads.join('k', start, undefined, new AbortController().signal, URL_A);
    expect(start).toHaveBeenCalledTimes(2);
    flights[1]!.resolve('ok');
    await expect(second).resolves.toBe('ok');
  });

  it('a rejected flight rejects every caller with its error and leaves no unhandled rejection', async () => {
    process.on('unhandledRejection', onUnhandled);
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const callers = [0, 1, 2].map(() => settle(downloads.join('k', start, undefined, new AbortController().signal, URL_A)));
    const failure = new VolumeCacheError('corrupt', 'bad crc', { url: URL_A });
    flights[0]!.reject(failure);
    const results = await Promise.all(callers);
    for (const result of results) expect(result).toEqual({ ok: false, error: failure });
    await tick();
    await tick();
    expect(unhandled).toEqual([]);
    expect(downloads.size).toBe(0);
  });

  it('a start that returns an already-rejected promise still rejects the caller', async () => {
    const downloads = new SharedDownloads<string>();
    const failure = new VolumeCacheError('http-status', 'nope', { status: 500 });
    const promise = downloads.join('k', () => Promise.reject(failure), undefined, new AbortController().signal, URL_A);
    await expect(promise).rejects.toBe(failure);
    expect(downloads.size).toBe(0);
  });

  it('abortAll aborts every flight signal with the reason', () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    void settle(downloads.join('a', start, undefined, new AbortController().signal, URL_A));
    void settle(downloads.join('b', start, undefined, new AbortController().signal, URL_A));
    const reason = new VolumeCacheError('closed', 'closed');
    downloads.abortAll(reason);
    expect(flights.map((f) => f.signal.aborted)).toEqual([true, true]);
    expect(flights.map((f) => f.signal.reason)).toEqual([reason, reason]);
    for (const flight of flights) flight.reject(reason);
  });

  // A user who cancels and immediately retries the same URL must get a new download.
  it('a join after every caller left, before the aborted flight settles, starts a new flight', async () => {
    const downloads = new SharedDownloads<string>();
    const { start, flights } = controllableStart();
    const cancelled = new AbortController();
    const first = settle(downloads.join('k', start, undefined, cancelled.signal, URL_A));
    cancelled.abort();
    expect(flights[0]!.signal.aborted).toBe(true);

    const retry = settle(downloads.join('k', start, undefined, new AbortController().signal, URL_A));
    // The aborted download settles a moment later, as a real fetch would.
    flights[0]!.reject(new VolumeCacheError('aborted', 'download aborted', { url: URL_A }));
    flights[1]?.resolve('fresh');
    expect((await first).ok).toBe(false);
    expect(start).toHaveBeenCalledTimes(2);
    expect(await retry).toEqual({ ok: true, value: 'fresh' });
  });
});
