import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createVolumeCache } from '../../../src/client/createVolumeCache';
import type { VolumeCacheErrorCode } from '../../../src/errors';
import type { DownloadProgress, VolumeCache } from '../../../src/types';
import { databaseName } from '../../../src/metadata/VolumeCacheSchema';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../../server/generatedVolume';
import { nodeEnginePlatform, type NodeEngine } from '../support/nodeEnginePlatform';
import { rejection } from '../support/rejection';
import { startVolumeServer, type VolumeServer } from '../support/volumeServer';
import { ChannelWorker, startChannelWorker } from './support/channelWorker';

// The page API against the real engine, as the worker runs it, across a real
// MessageChannel with comlink: what the browser tests cover in Chromium,
// here in Node on an in-memory OPFS, fake-indexeddb, in-memory Web Locks and
// the browser tests' volume server. createVolumeCache() refuses to run
// outside a browser and accepts only a Worker as a worker object, so each
// test stubs `window` and `Worker` (ChannelWorker) as globals.
//
// Node posts a File across a MessagePort as a plain Blob (its name is lost);
// browsers keep the File. The tests check bytes, which both keep.

const SLICES = 4; // 352 + 4 * 65536 bytes: a download of milliseconds
const SIZE = generatedVolumeBytes(SLICES);
/** Where a stall= download stops: the server sends this much, then nothing, keeping the connection open. */
const STALL_AFTER_BYTES = 65_536;

let server: VolumeServer;
let seed = 0;
let partitions = 0;
const open: { cache: VolumeCache; worker: ChannelWorker }[] = [];

beforeAll(async () => {
  server = await startVolumeServer();
});

afterAll(() => server.close());

beforeEach(() => {
  vi.stubGlobal('window', globalThis);
  vi.stubGlobal('Worker', ChannelWorker);
});

afterEach(async () => {
  for (const { cache, worker } of open.splice(0)) {
    cache.close();
    await worker.terminated;
  }
  vi.unstubAllGlobals();
});

interface OpenedCache extends NodeEngine {
  cache: VolumeCache;
  worker: ChannelWorker;
}

async function openCache(): Promise<OpenedCache> {
  const engine = nodeEnginePlatform();
  const worker = startChannelWorker(engine.platform);
  const cache = await createVolumeCache({ name: `client-${++partitions}`, worker: worker as unknown as Worker });
  open.push({ cache, worker });
  return { cache, worker, ...engine };
}

/** A generated volume of its own (a new seed per call), so no test sees another's requests or fault counts. */
function volume(query = ''): { path: string; url: string; seed: number } {
  const next = ++seed;
  const path = `/gen/${SLICES}-${next}.nii${query}`;
  return { path, url: server.url(path), seed: next };
}

async function sha256Of(blob: Blob): Promise<string> {
  return createHash('sha256').update(new Uint8Array(await blob.arrayBuffer())).digest('hex');
}

async function databaseNames(): Promise<(string | undefined)[]> {
  return (await indexedDB.databases()).map((database) => database.name);
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Starts a get of a download that stalls after STALL_AFTER_BYTES; settles `running` once its first bytes are reported. */
function stalledGet(cache: VolumeCache, options: { signal?: AbortSignal } = {}) {
  const target = volume(`?stall=${STALL_AFTER_BYTES}`);
  const running = deferred<DownloadProgress>();
  const result = cache.get(target.url, { ...options, onProgress: running.resolve });
  // Observed by the test through rejection(); this keeps Node from calling it unhandled meanwhile.
  result.catch(() => undefined);
  return { ...target, running: running.promise, result };
}

describe('createVolumeCache over a MessageChannel to the real engine', () => {
  it('get() downloads a volume on a miss; the next get() and getFile() are hits with the same bytes', async () => {
    const { cache, disk } = await openCache();
    const { path, url, seed } = volume();
    const sha256 = await generatedVolumeSha256(SLICES, seed);

    const miss = await cache.get(url);
    expect(miss.status).toBe('miss');
    expect(miss.file.size).toBe(SIZE);
    expect(await sha256Of(miss.file)).toBe(sha256);
    expect(miss.entry).toMatchObject({ key: url, url, bytes: SIZE, sha256, pinned: false });

    const hit = await cache.get(url);
    expect(hit.status).toBe('hit');
    expect(await sha256Of(hit.file)).toBe(sha256);
    const file = await cache.getFile(url);
    expect(file.size).toBe(SIZE);
    expect(await sha256Of(file)).toBe(sha256);

    expect(server.requests(path).map(({ method, status }) => `${method} ${status}`)).toEqual(['GET 200']);
    expect(disk.list()).toEqual([`volume-cache/${cache.name}/blobs/${sha256}`]);
    expect(await cache.stats()).toMatchObject({ mode: 'opfs', entries: 1, bytes: SIZE, misses: 1, hits: 2, downloads: 1, bytesFromNetwork: SIZE });
  });

  it('onProgress hears the download across the channel, up to the whole length', async () => {
    const { cache } = await openCache();
    const { url } = volume();
    const events: DownloadProgress[] = [];
    const complete = deferred();
    const result = await cache.get(url, {
      onProgress: (progress) => {
        events.push(progress);
        if (progress.loaded === progress.total) complete.resolve();
      },
    });
    expect(result.status).toBe('miss');
    // The callback is a comlink proxy with a port of its own, so its calls may land after the get's answer.
    await complete.promise;
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)).toEqual({ url, loaded: SIZE, total: SIZE });
    for (const [index, event] of events.entries()) {
      expect(event).toMatchObject({ url, total: SIZE });
      expect(event.loaded).toBeGreaterThanOrEqual(events[index - 1]?.loaded ?? 1);
    }
  });

  it("the caller's AbortSignal aborts a running download: the call rejects with aborted, and nothing is stored", async () => {
    const { cache, disk, diskChange } = await openCache();
    const controller = new AbortController();
    const download = stalledGet(cache, { signal: controller.signal });
    expect(await download.running).toMatchObject({ url: download.url, total: SIZE });
    const temporaryRemoved = diskChange((event) => event.startsWith(`remove volume-cache/${cache.name}/tmp/download-`));

    controller.abort();
    const error = await rejection(download.result);
    expect(error.code).toBe('aborted');

    // The transfer stopped, and the temporary file with the first bytes went with it.
    expect(await server.done(download.path)).toMatchObject({ aborted: true, bytesSent: STALL_AFTER_BYTES });
    await temporaryRemoved;
    expect(disk.list()).toEqual([]);
    expect(await cache.entries()).toEqual([]);
    expect(await cache.stats()).toMatchObject({ entries: 0, bytes: 0, downloads: 0 });
  });

  it('close() while a download runs rejects that call with closed, stops the transfer and the worker; later calls reject with closed', async () => {
    const { cache, worker } = await openCache();
    const download = stalledGet(cache);
    await download.running;

    cache.close();
    const error = await rejection(download.result);
    expect(error.code).toBe('closed');
    await worker.terminated;
    expect(await server.done(download.path)).toMatchObject({ aborted: true });

    const later = await rejection(cache.get(download.url));
    expect(later.code).toBe('closed');
  });

  it('destroy() while a download runs settles that call, removes the partition and resolves', async () => {
    const { cache, worker, disk } = await openCache();
    const done = await cache.get(volume().url);
    expect(done.status).toBe('miss');
    const download = stalledGet(cache);
    await download.running;
    expect(disk.list()).not.toEqual([]);
    expect(await databaseNames()).toContain(databaseName(cache.name));

    const destroyed = cache.destroy();
    const error = await rejection(download.result);
    // docs/api.md: closed is "The cache was closed (or destroyed, here or in another tab)"; aborted is for the caller's signal.
    expect(error.code).toBe('closed');
    await destroyed;
    await worker.terminated;
    expect(await server.done(download.path)).toMatchObject({ aborted: true });
    expect(disk.list()).toEqual([]);
    expect(await databaseNames()).not.toContain(databaseName(cache.name));
    expect((await rejection(cache.stats())).code).toBe('closed');
  });

  describe('errors cross the channel as VolumeCacheError with their code', () => {
    it.each([
      ['a partition name the engine refuses', { name: 'not a name' }],
      ['a stall timeout of 0', { stallTimeoutSeconds: 0 }],
      ['a negative maxBytes', { maxBytes: -1 }],
      ['keepDecoded of the wrong type', { keepDecoded: 'always' as unknown as boolean }],
    ])('createVolumeCache() rejects %s with invalid-argument, and stops the worker', async (_case, options) => {
      const engine = nodeEnginePlatform();
      const worker = startChannelWorker(engine.platform);
      const error = await rejection(createVolumeCache({ name: `client-${++partitions}`, ...options, worker: worker as unknown as Worker }));
      expect(error.code).toBe('invalid-argument');
      await worker.terminated;
    });

    it.each([
      ['{}', {}],
      ['{ key: undefined } (the key not loaded yet)', { key: undefined }],
      ['a misspelt property', { kye: 'k' }],
    ])('createVolumeCache() with encryption %s rejects with invalid-argument before anything starts or is written', async (_case, encryption) => {
      const engine = nodeEnginePlatform();
      const worker = startChannelWorker(engine.platform);
      const name = `client-${++partitions}`;
      const error = await rejection(createVolumeCache({ name, encryption: encryption as never, worker: worker as unknown as Worker }));
      expect(error).toMatchObject({ code: 'invalid-argument', message: expect.stringMatching(/^encryption/) });
      expect(engine.disk.list()).toEqual([]);
      expect(await databaseNames()).not.toContain(databaseName(name));
      worker.terminate(); // never used: the client refused before starting it
    });

    it.each<[string, string, { code: VolumeCacheErrorCode; status?: number; retryAfterSeconds?: number }]>([
      ['a 404', '?status=404', { code: 'http-status', status: 404 }],
      ['a 503 asking for a wait too long to make', '?status=503&retryafter=120', { code: 'http-status', status: 503, retryAfterSeconds: 120 }],
      ['an HTML error page answered 200', '?html200=1', { code: 'not-nifti' }],
    ])('get() of %s rejects with its code, status and url, and stores nothing', async (_case, query, expected) => {
      const { cache, disk } = await openCache();
      const { url } = volume(query);
      const error = await rejection(cache.get(url));
      expect(error).toMatchObject({ ...expected, url });
      if (expected.status === undefined) expect(error.status).toBeUndefined();
      expect(await cache.entries()).toEqual([]);
      expect(disk.list().filter((path) => path.includes('/blobs/'))).toEqual([]);
    });

    it('get() with an integrity the bytes do not match rejects with integrity; a malformed one with invalid-argument', async () => {
      const { cache } = await openCache();
      const { url } = volume();
      const wrong = `sha256-${Buffer.alloc(32).toString('base64')}`;
      expect((await rejection(cache.get(url, { integrity: wrong }))).code).toBe('integrity');
      expect((await rejection(cache.get(url, { integrity: 'sha256-not-base64!' }))).code).toBe('invalid-argument');
      expect(await cache.entries()).toEqual([]);
    });
  });
});

describe('memo() over a MessageChannel to the real engine', () => {
  /** Counts its calls and returns what `make` makes. */
  function counted<T>(make: () => T): { compute: () => T; calls: () => number } {
    let calls = 0;
    return {
      compute: () => {
        calls++;
        return make();
      },
      calls: () => calls,
    };
  }

  /** get() of `url`, with the SHA-256 of the entry it stored. */
  async function getStored(cache: VolumeCache, url: string): Promise<{ sha256: string; file: File }> {
    const { entry, file } = await cache.get(url);
    expect(entry).not.toBeNull();
    return { sha256: entry!.sha256, file };
  }

  async function openEncryptedCache(): Promise<VolumeCache> {
    const engine = nodeEnginePlatform();
    const worker = startChannelWorker(engine.platform);
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const cache = await createVolumeCache({ name: `client-${++partitions}`, worker: worker as unknown as Worker, encryption: { key } });
    open.push({ cache, worker });
    return cache;
  }

  describe("memo() keys and the library's own records live apart", () => {
    it("a memo() whose key and inputs are what the library hashes for a decoded copy is not read back by getVolume(), nor the copy by memo()", async () => {
      const { cache } = await openCache();
      const first = volume();
      const { sha256, file } = await getStored(cache, first.url);
      // generated volumes are uint8: the decoded voxels are the bytes after the 352-byte header.
      const voxels = [...new Uint8Array(await file.arrayBuffer()).subarray(352)];
      const forged = new Uint8Array(voxels.length).fill(0xee);
      expect(await cache.memo('volume-cache:decoded', { source: sha256 }, () => forged, { version: 1 })).toBe(forged);

      const opened = await cache.getVolume(first.url);
      expect(opened.decodedFrom).toBe('decode');
      expect([...new Uint8Array(opened.voxels)]).toEqual(voxels);
      const reopened = await cache.getVolume(first.url);
      expect(reopened.decodedFrom).not.toBe('decode');
      expect([...new Uint8Array(reopened.voxels)]).toEqual(voxels);
      // The memo still answers with its own bytes, without computing.
      const again = counted(() => new Uint8Array(1));
      expect([...(await cache.memo('volume-cache:decoded', { source: sha256 }, again.compute, { version: 1 }))]).toEqual([...forged]);
      expect(again.calls()).toBe(0);

      // The reverse, on a volume whose decoded copy is stored first: memo() computes its own result.
      const second = volume();
      expect((await cache.getVolume(second.url)).decodedFrom).toBe('decode');
      const copied = await getStored(cache, second.url);
      const mine = counted(() => ({ mine: true }));
      expect(await cache.memo('volume-cache:decoded', { source: copied.sha256 }, mine.compute, { version: 1 })).toEqual({ mine: true });
      expect(mine.calls()).toBe(1);
    });

    it('a memo() whose key and inputs are what the library hashes for a thumbnail is not returned by thumbnail()', async () => {
      const { cache } = await openCache();
      const { url } = volume();
      const { sha256 } = await getStored(cache, url);
      await cache.memo('volume-cache:thumbnail', { source: sha256 }, () => new Uint8Array([1, 2, 3]), { version: 1 });
      // Node has no OffscreenCanvas, so no thumbnail is ever made here: the only thing thumbnail() could return is the memo.
      expect(await cache.thumbnail(url)).toBeNull();
    });
  });

  describe('every failure is a VolumeCacheError with a code', () => {
    it.each<[string, () => unknown]>([
      ['a function', () => ({ label: 'mask', render: () => 1 })],
      ['a symbol', () => Symbol('result')],
      ['a function deep inside', () => new Map([['levels', [{ onClick: () => 1 }]]])],
    ])('a result holding %s rejects with invalid-argument, and nothing is stored', async (_case, make) => {
      const { cache } = await openCache();
      const result = counted(make);
      const error = await rejection(cache.memo('unstorable', { level: 1 }, result.compute, { version: 1 }));
      expect(error.code).toBe('invalid-argument');
      expect(error.detail).toContain('structured-cloneable');
      expect(result.calls()).toBe(1);
      expect(await cache.stats()).toMatchObject({ derivedResults: 0, derivedBytes: 0 });
      // Nothing was kept: the next call computes again.
      await rejection(cache.memo('unstorable', { level: 1 }, result.compute, { version: 1 }));
      expect(result.calls()).toBe(2);
    });

    it.each<[string, () => Record<string, unknown>]>([
      ['a function', () => ({ transform: (x: number) => x })],
      ['a symbol', () => ({ tag: Symbol('t') })],
      [
        'nesting 100,000 levels deep (a RangeError before)',
        () => {
          let deep: Record<string, unknown> = {};
          for (let i = 0; i < 100_000; i++) deep = { next: deep };
          return { deep };
        },
      ],
    ])('inputs holding %s reject with invalid-argument before compute runs', async (_case, inputs) => {
      const { cache } = await openCache();
      const result = counted(() => 1);
      const error = await rejection(cache.memo('k', inputs(), result.compute, { version: 1 }));
      expect(error.code).toBe('invalid-argument');
      expect(result.calls()).toBe(0);
    });
  });

  it('in an encrypted partition a kept value comes back as structured clone keeps it, as in a plain partition', async () => {
    const value = {
      labels: new Map<number, string>([[1, 'white matter'], [2, 'grey matter']]),
      seen: new Set(['a', 'b']),
      at: new Date(1_700_000_000_000),
      missing: Number.NaN,
      top: Number.POSITIVE_INFINITY,
      bottom: Number.NEGATIVE_INFINITY,
      signed: -0,
      histogram: new Uint32Array([4, 5, 6]),
      total: 2n ** 64n + 1n,
      nested: [{ inner: new Map([['set', new Set([new Float64Array([Math.PI])])]]) }],
    };
    const encrypted = await openEncryptedCache();
    const { cache: plain } = await openCache();
    for (const cache of [encrypted, plain]) {
      expect(await cache.memo('stats', { level: 1 }, () => value, { version: 1 })).toBe(value);
    }
    const notAgain = counted(() => ({}));
    const fromEncrypted = await encrypted.memo('stats', { level: 1 }, notAgain.compute, { version: 1 });
    const fromPlain = await plain.memo('stats', { level: 1 }, notAgain.compute, { version: 1 });
    expect(notAgain.calls()).toBe(0);
    expect(fromEncrypted).toStrictEqual(structuredClone(value));
    expect(fromEncrypted).toStrictEqual(fromPlain);
    expect(Object.is((fromEncrypted as typeof value).signed, -0)).toBe(true);
  });
});
