import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createEngine } from '../../../src/engine/createEngine';
import type { EngineRequest, ServiceWorkerEngine } from '../../../src/protocol';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../../server/generatedVolume';
import { createMemoryOpfs } from '../support/memoryOpfs';
import { nodeEnginePlatform } from '../support/nodeEnginePlatform';
import { rejection } from '../support/rejection';
import { startVolumeServer, type VolumeServer } from '../support/volumeServer';

// The engine's method table in Node, without the page or a channel (see
// test/unit/client for those): the backend chosen once at init, the
// open/closed state, and the calls only the service worker makes.

const SLICES = 2;
const SIZE = generatedVolumeBytes(SLICES);

let server: VolumeServer;
let partitions = 0;
let seed = 100;
const engines: ServiceWorkerEngine[] = [];

beforeAll(async () => {
  server = await startVolumeServer();
});
afterAll(() => server.close());
afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

function engineOver(platform = nodeEnginePlatform().platform): ServiceWorkerEngine {
  const engine = createEngine(platform);
  engines.push(engine);
  return engine;
}

function volume(): { request: EngineRequest; sha256: Promise<string> } {
  const s = ++seed;
  const url = server.url(`/gen/${SLICES}-${s}.nii`);
  return { request: { requestId: `r${s}`, url, key: url }, sha256: generatedVolumeSha256(SLICES, s) };
}

describe('createEngine over storage', () => {
  it('opens in opfs mode: a miss is stored, the next get and getArrayBuffer are hits, stats count them', async () => {
    const engine = engineOver();
    const info = await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    expect(info).toMatchObject({ mode: 'opfs', config: { maxBytes: 2 * 1024 ** 3 } });
    expect(info.missing).not.toContain('opfs');
    const { request, sha256 } = volume();
    const miss = await engine.get(request);
    expect(miss.status).toBe('miss');
    expect(miss.entry).toMatchObject({ bytes: SIZE, sha256: await sha256 });
    expect((await engine.get(request)).status).toBe('hit');
    const buffer = await engine.getArrayBuffer(request);
    expect(buffer).toMatchObject({ status: 'hit' });
    expect(buffer.buffer.byteLength).toBe(SIZE);
    expect(await engine.stats()).toMatchObject({ entries: 1, misses: 1, hits: 2, downloads: 1, bytesFromNetwork: SIZE });
    expect(server.requests(new URL(request.url).pathname)).toHaveLength(1);
  });

  it('keeps configure() for the next open and evicts down to it at once', async () => {
    const name = `engine-${++partitions}`;
    const engine = engineOver();
    await engine.init({ name, verifyOnRead: false });
    const [a, b] = [volume(), volume()];
    await engine.get(a.request);
    await engine.get(b.request);
    expect(await engine.configure({ maxBytes: SIZE })).toMatchObject({ maxBytes: SIZE });
    expect((await engine.entries()).map((entry) => entry.key)).toEqual([b.request.key]);
    await engine.close();

    const again = engineOver();
    expect((await again.init({ name, verifyOnRead: false })).config.maxBytes).toBe(SIZE);
    await expect(again.configure(null as never)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it("answers the service worker's calls: lookup without counting, then recordHit and recordPassThrough", async () => {
    const engine = engineOver();
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    const { request, sha256 } = volume();
    await engine.get(request);
    const found = await engine.lookup(request.key);
    expect(found).toMatchObject({ fresh: true, encryptionKey: null, entry: { sha256: await sha256 } });
    expect(found!.file!.size).toBe(SIZE);
    expect(await engine.lookup('https://elsewhere.example/none.nii')).toBeNull();
    expect((await engine.stats()).hits).toBe(0);
    await engine.recordHit(found!.entry, 'hit', 100);
    await engine.recordHit(found!.entry, 'stale', 50);
    await engine.recordPassThrough();
    expect(await engine.stats()).toMatchObject({ hits: 2, stale: 1, bytesFromCache: 150, misses: 2, uncached: 1 });
  });

  it('pins through the get pipeline, and unpin, invalidate and clear answer what they did', async () => {
    const engine = engineOver();
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    const { request } = volume();
    expect(await engine.pin(request)).toMatchObject({ pinned: true, bytes: SIZE });
    expect(await engine.unpin(request.key)).toBe(true);
    expect(await engine.invalidate(request.key)).toBe(true);
    expect(await engine.invalidate(request.key)).toBe(false);
    await engine.get(volume().request);
    await engine.clear();
    expect(await engine.entries()).toEqual([]);
  });
});

describe('createEngine and hostile or careless servers', () => {
  it('does not keep a response that varies on a request header: the next caller could be served another caller\'s bytes', async () => {
    const engine = engineOver();
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    const url = server.url(`/gen/${SLICES}-${++seed}.nii?vary=X-Tenant`);
    const asTenant = (tenant: string): EngineRequest => ({ requestId: `t-${tenant}`, url, key: url, headers: { 'X-Tenant': tenant } });
    expect(await engine.get(asTenant('a'))).toMatchObject({ status: 'uncached', entry: null });
    expect(await engine.get(asTenant('b'))).toMatchObject({ status: 'uncached', entry: null });
    expect(await engine.entries()).toEqual([]);
    expect(server.requests(new URL(url).pathname + new URL(url).search)).toHaveLength(2);
    // Varying only on what every request here sends alike is kept.
    const plain = server.url(`/gen/${SLICES}-${++seed}.nii?vary=Accept-Encoding,Origin`);
    expect((await engine.get({ requestId: 'p', url: plain, key: plain })).status).toBe('miss');
    expect((await engine.get({ requestId: 'p2', url: plain, key: plain })).status).toBe('hit');
  });

  it('getArrayBuffer of a body no one buffer can hold fails with unsupported at its first bytes, downloads no more, keeps nothing', async () => {
    // 2^49 bytes by Content-Length: no machine hands out that buffer, Node's neither.
    const claimed = 2 ** 49;
    let pulls = 0;
    let cancelled = false;
    const hugeBody = (): Response => {
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls++;
          controller.enqueue(new Uint8Array(64 * 1024));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { 'Content-Length': String(claimed), 'Content-Type': 'application/octet-stream' } });
    };
    const engine = engineOver(nodeEnginePlatform({ fetch: async () => hugeBody() }).platform);
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false, maxBytes: 2 ** 53 - 1 });
    const url = 'https://data.example/fmri-4d.nii';
    const error = await rejection(engine.getArrayBuffer({ requestId: 'huge', url, key: url, expect: 'any' }));
    expect(error).toMatchObject({ name: 'VolumeCacheError', code: 'unsupported', url });
    expect(error.message).toContain('getFile()');
    // The caller is answered at once; the transfer it alone wanted stops right behind.
    await vi.waitFor(() => expect(cancelled).toBe(true));
    expect(pulls).toBeLessThan(8);
    expect(await engine.entries()).toEqual([]);
    expect(await engine.stats()).toMatchObject({ entries: 0, bytesFromNetwork: expect.any(Number) });
  });
});

describe('createEngine on a disk too full to create a file', () => {
  it('hands a download out uncached with the right bytes, evicts nothing, and a server error keeps its own code', async () => {
    // A quota of exactly one volume, which the pinned volume fills: no empty temporary can be created after it.
    const disk = createMemoryOpfs({ quotaBytes: SIZE });
    const engine = engineOver(nodeEnginePlatform({ getDirectory: disk.getDirectory }).platform);
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    const pinned = volume();
    await engine.pin(pinned.request);
    const other = volume();
    const result = await engine.getArrayBuffer(other.request);
    expect(result).toMatchObject({ status: 'uncached', entry: null });
    expect(Buffer.from(await crypto.subtle.digest('SHA-256', result.buffer)).toString('hex')).toBe(await other.sha256);
    const missing = server.url('/gen/2-1.nii?status=404');
    expect(await rejection(engine.get({ requestId: 'gone', url: missing, key: missing }))).toMatchObject({ code: 'http-status', status: 404 });
    expect((await engine.entries()).map((entry) => entry.key)).toEqual([pinned.request.key]);
    expect(await engine.stats()).toMatchObject({ evictions: 0, uncached: 1, mode: 'opfs' });
  });
});

describe('createEngine and a wall clock that jumps', () => {
  it('after the clock ran two days ahead and was put right, a 60 s entry is revalidated, not fresh, and LRU keeps the volumes used last', async () => {
    const DAY = 86_400_000;
    const clock = { now: Date.now() };
    const engine = engineOver(nodeEnginePlatform({ now: () => clock.now }).platform);
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false, defaultTtlSeconds: 60 });
    const [a, b, c] = [volume(), volume(), volume()];
    const realNow = clock.now;
    clock.now = realNow + 2 * DAY; // an NTP mistake, a resumed laptop
    expect((await engine.get(a.request)).status).toBe('miss');
    expect((await engine.get(c.request)).status).toBe('miss');
    clock.now = realNow + 1000; // put right
    // Validated "two days from now" with a 60 s TTL: fresh for two days by expiresAt alone.
    expect((await engine.get(c.request)).status).toBe('revalidated');
    expect((await engine.get(b.request)).status).toBe('miss');
    // c and b were used last; a, used only while the clock ran ahead, carries the latest wall-clock stamp.
    await engine.configure({ maxBytes: 2 * SIZE });
    expect((await engine.entries()).map((entry) => entry.key).sort()).toEqual([b.request.key, c.request.key].sort());
  });
});

describe('createEngine and a partition encrypted by another tab', () => {
  it('a tab opened without the key before another encrypted the partition writes no plaintext, and neither deletes the other\'s entries', async () => {
    const name = `engine-${++partitions}`;
    const keyed = nodeEnginePlatform();
    const sameDisk = nodeEnginePlatform({ getDirectory: keyed.platform.getDirectory, locks: keyed.platform.locks });
    // The keyless tab opens first, on a fresh partition: nothing says it is encrypted yet.
    const plain = engineOver(sameDisk.platform);
    await plain.init({ name, verifyOnRead: false });
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const sealed = engineOver(keyed.platform);
    await sealed.init({ name, verifyOnRead: false, encryptionKey: key });
    const { request } = volume();
    expect((await sealed.get(request)).status).toBe('miss');

    // The keyless tab now refuses to download, and stores nothing in plaintext.
    const other = volume();
    expect(await rejection(plain.get(other.request))).toMatchObject({ code: 'key-mismatch' });
    expect(server.requests(new URL(other.request.url).pathname)).toHaveLength(0);
    // It neither lists nor evicts the encrypted tab's entries.
    expect(await plain.entries()).toEqual([]);
    await sealed.writeMemo('a'.repeat(64), { kind: 'value', value: 42 }, { sourceKeys: [request.key] });
    await plain.configure({ maxBytes: 1 });
    await plain.cleanup();
    expect(await rejection(plain.clear())).toMatchObject({ code: 'key-mismatch' });
    expect((await sealed.entries()).map((entry) => entry.key)).toEqual([request.key]);
    expect((await sealed.get(request)).status).toBe('hit');
    // Nor were its derived results swept as orphans.
    expect(await sealed.readMemo('a'.repeat(64))).toEqual({ kind: 'value', value: 42 });
  });
});

describe('createEngine without storage', () => {
  it('chooses network-only once: gets are uncached, pin is unsupported, the rest answer empty', async () => {
    const engine = engineOver(nodeEnginePlatform({ getDirectory: null }).platform);
    const info = await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false, maxBytes: 1234 });
    expect(info).toMatchObject({ mode: 'network-only', config: { maxBytes: 1234 } });
    expect(info.missing).toContain('opfs');
    const { request, sha256 } = volume();
    const result = await engine.get(request);
    expect(result).toMatchObject({ status: 'uncached', entry: null });
    expect(result.file.size).toBe(SIZE);
    const buffer = await engine.getArrayBuffer(request);
    expect(buffer.status).toBe('uncached');
    expect(Buffer.from(await crypto.subtle.digest('SHA-256', buffer.buffer)).toString('hex')).toBe(await sha256);
    expect(await rejection(engine.pin(request))).toMatchObject({ code: 'unsupported', message: expect.stringContaining('opfs') });
    expect(await engine.entries()).toEqual([]);
    expect(await engine.getCachedFile(request.key)).toBeNull();
    expect(await engine.lookup(request.key)).toBeNull();
    expect(await engine.uncachedKeys([request.key])).toEqual([]);
    expect(await engine.cleanup()).toEqual({ expired: 0, evicted: 0, temporaries: 0, orphanFiles: 0 });
    expect(await engine.configure({ maxBytes: 99 })).toMatchObject({ maxBytes: 99 });
    expect(await engine.stats()).toMatchObject({ entries: 0, misses: 2, uncached: 2, downloads: 2, bytesFromNetwork: 2 * SIZE, maxBytes: 99 });
  });

  it('two tabs without storage take no download lock: neither waits for a download it could not share', async () => {
    const first = nodeEnginePlatform({ getDirectory: null });
    const second = nodeEnginePlatform({ getDirectory: null, locks: first.platform.locks });
    const name = `engine-${++partitions}`;
    const [a, b] = [engineOver(first.platform), engineOver(second.platform)];
    for (const engine of [a, b]) await engine.init({ name, verifyOnRead: false });
    // A slow download in tab a: 2 slices at 256 KiB/s, about half a second.
    const url = server.url(`/gen/${SLICES}-${++seed}.nii?rate=262144`);
    const slow = a.get({ requestId: 'slow-a', url, key: url });
    await vi.waitFor(() => expect(server.requests(new URL(url).pathname)).toHaveLength(1));
    expect((await first.platform.locks!.query()).held).toEqual([]);
    // Tab b does not wait for a's lock: it is downloading too, at the same time.
    const alongside = b.get({ requestId: 'slow-b', url, key: url });
    await vi.waitFor(() => expect(server.requests(new URL(url).pathname)).toHaveLength(2));
    expect((await Promise.all([slow, alongside])).map((result) => result.status)).toEqual(['uncached', 'uncached']);
  });
});

describe('createEngine open and closed', () => {
  it('refuses calls before init and after close with closed, and a second init with invalid-argument', async () => {
    const engine = engineOver();
    const { request } = volume();
    expect(await rejection(engine.get(request))).toMatchObject({ code: 'closed', message: expect.stringMatching(/not been initialised/) });
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    expect(await rejection(engine.init({ name: 'again', verifyOnRead: false }))).toMatchObject({ code: 'invalid-argument' });
    await engine.close();
    expect(await rejection(engine.stats())).toMatchObject({ code: 'closed', message: expect.stringMatching(/has been closed/) });
    await engine.close(); // twice is harmless
  });

  it('close() while init opens the partition rejects init with closed and leaves nothing open', async () => {
    const name = `engine-${++partitions}`;
    const engine = engineOver();
    const opening = engine.init({ name, verifyOnRead: false });
    await engine.close();
    expect(await rejection(opening)).toMatchObject({ code: 'closed' });
    // The database was closed behind it: deleting the partition does not wait on it.
    const again = engineOver();
    await again.init({ name, verifyOnRead: false });
    await again.destroy();
  });

  it("close() settles a running download with closed, and an abort by request id only that caller's", async () => {
    const engine = engineOver();
    await engine.init({ name: `engine-${++partitions}`, verifyOnRead: false });
    const stalled = (id: string): EngineRequest => {
      const url = server.url(`/gen/${SLICES}-${++seed}.nii?stall=1`);
      return { requestId: id, url, key: url };
    };
    const aborted = stalled('a');
    const first = engine.get(aborted);
    const second = engine.get(stalled('b'));
    engine.abort(aborted.requestId);
    expect(await rejection(first)).toMatchObject({ code: 'aborted' });
    await engine.close();
    expect(await rejection(second)).toMatchObject({ code: 'closed' });
  });
});
