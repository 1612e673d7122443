import { describe, expect, it } from 'vitest';
import { BackgroundJobs } from '../../../src/engine/BackgroundJobs';
import type { BackendDownload, EngineBackend } from '../../../src/engine/EngineBackend';
import { GetPipeline } from '../../../src/engine/GetPipeline';
import { NetworkOnlyBackend } from '../../../src/engine/NetworkOnlyBackend';
import { VolumeCacheError } from '../../../src/errors';
import type { StoredEntry } from '../../../src/metadata/EntryCodec';
import type { EngineRequest } from '../../../src/protocol';
import type { GetResult } from '../../../src/types';
import { entry } from './support/partitionContext';

const NOW = 1_700_000_000_000;
const request = (patch: Partial<EngineRequest> = {}): EngineRequest => ({ requestId: `r-${Math.random()}`, url: 'https://data.example/a.nii', key: 'a', ...patch });

/**
 * A backend scripted by the test: rows by key, their files, and what a
 * download answers. It records the downloads asked of it and the hits counted.
 */
function scriptedBackend(rows: StoredEntry[] = []) {
  const table = new Map(rows.map((row) => [row.key, row]));
  const downloads: BackendDownload[] = [];
  const hits: string[] = [];
  const totals: Record<string, number>[] = [];
  const miss = async (job: BackendDownload): Promise<GetResult> => ({ file: new File(['new'], 'a.nii'), status: 'miss', entry: { ...entry(job.request.key, 'sha-new', 3, NOW) } });
  let answer: (job: BackendDownload) => Promise<GetResult | 'refetch'> = miss;
  const base = new NetworkOnlyBackend({ maxBytes: 100, defaultTtlSeconds: 60 }, []);
  const backend: EngineBackend = Object.assign(Object.create(base) as EngineBackend, {
    mode: 'opfs',
    entry: async (key: string) => table.get(key) ?? null,
    readFile: async (row: StoredEntry) => new File([`stored ${row.sha256}`], 'a.nii'),
    readBytes: async (row: StoredEntry) => new TextEncoder().encode(`stored ${row.sha256}`).buffer,
    countHit: (row: StoredEntry) => {
      hits.push(row.key);
      return row;
    },
    addTotals: async (delta: Record<string, number>) => void totals.push(delta),
    touch: async (row: StoredEntry) => row,
    download: (job: BackendDownload) => {
      downloads.push(job);
      return answer(job);
    },
  });
  return {
    backend,
    table,
    downloads,
    hits,
    totals,
    answerWith(next: typeof answer) {
      answer = next;
    },
    /** Downloads wait until the returned function is called, then answer a miss: the test acts while one is in flight. */
    holdDownloads(): () => void {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      answer = async (job) => {
        await released;
        return miss(job);
      };
      return release;
    },
  };
}

function pipelineOver(backend: EngineBackend): GetPipeline {
  return new GetPipeline({
    backend,
    platform: { fetch: async () => new Response('unused'), locks: null, now: () => NOW },
    partition: 'p',
    background: new BackgroundJobs(() => true),
    hashWorker: null,
    stallTimeoutMs: 30_000,
    onStored: () => undefined,
  });
}

describe('GetPipeline.get', () => {
  it('answers a fresh stored entry as a hit and counts it, downloading nothing', async () => {
    const scripted = scriptedBackend([entry('a', 'sha-a', 8, NOW - 10)]);
    const result = await pipelineOver(scripted.backend).get(request(), undefined);
    expect(result.status).toBe('hit');
    expect(await result.file.text()).toBe('stored sha-a');
    expect(scripted.hits).toEqual(['a']);
    expect(scripted.downloads).toHaveLength(0);
  });

  it('downloads a miss with the TTL configured, and shares one download among concurrent callers', async () => {
    const scripted = scriptedBackend();
    const release = scripted.holdDownloads();
    const pipeline = pipelineOver(scripted.backend);
    const calls = [pipeline.get(request(), undefined), pipeline.get(request(), undefined)];
    await new Promise((resolve) => setTimeout(resolve, 0));
    release();
    const results = await Promise.all(calls);
    expect(results.map((r) => r.status)).toEqual(['miss', 'miss']);
    expect(scripted.downloads).toHaveLength(1);
    expect(scripted.downloads[0]).toMatchObject({ ttlSeconds: 60, existing: null, wasPinned: false, download: { url: 'https://data.example/a.nii', expect: 'nifti' } });
  });

  it('revalidates a stale entry with its validators, and serves it as stale when the network fails', async () => {
    const stale = entry('a', 'sha-a', 8, NOW - 10, { expiresAt: NOW - 1, etag: '"v1"', pinned: true });
    const scripted = scriptedBackend([stale]);
    scripted.answerWith(async () => {
      throw new VolumeCacheError('network', 'offline');
    });
    const result = await pipelineOver(scripted.backend).get(request(), undefined);
    expect(result.status).toBe('stale');
    expect(await result.file.text()).toBe('stored sha-a');
    expect(scripted.downloads[0]).toMatchObject({ existing: { key: 'a' }, wasPinned: true, download: { revalidate: { etag: '"v1"' } } });
    expect(scripted.totals).toContainEqual({ hits: 1, stale: 1, bytesFromCache: 8 });
  });

  it('does not serve a stale copy when the content, not the network, failed', async () => {
    const scripted = scriptedBackend([entry('a', 'sha-a', 8, NOW - 10, { expiresAt: NOW - 1 })]);
    scripted.answerWith(async () => {
      throw new VolumeCacheError('http-status', 'gone', { status: 404 });
    });
    await expect(pipelineOver(scripted.backend).get(request(), undefined)).rejects.toMatchObject({ code: 'http-status', status: 404 });
  });

  it('downloads afresh, keeping the pin, when a 304 renewed an entry whose file was gone', async () => {
    const scripted = scriptedBackend([entry('a', 'sha-a', 8, NOW - 10, { expiresAt: NOW - 1, etag: '"v1"', pinned: true })]);
    let asked = 0;
    scripted.answerWith(async (job) => (++asked === 1 ? 'refetch' : { file: new File(['x'], 'a.nii'), status: 'miss', entry: entry(job.request.key, 's', 1, NOW) }));
    const result = await pipelineOver(scripted.backend).get(request(), undefined);
    expect(result.status).toBe('miss');
    expect(scripted.downloads.map((job) => [job.existing?.key ?? null, job.wasPinned, 'revalidate' in job.download])).toEqual([
      ['a', true, true],
      [null, true, false],
    ]);
  });

  it("passes an integrity mismatch with the stored copy to a download, and a caller's abort rejects only that caller", async () => {
    const sha256 = 'b'.repeat(64);
    const integrity = `sha256-${Buffer.from(sha256, 'hex').toString('base64')}`;
    const scripted = scriptedBackend([entry('a', 'sha-a', 8, NOW - 10)]);
    scripted.answerWith((job) => new Promise((_, reject) => job.download.signal.addEventListener('abort', () => reject(job.download.signal.reason))));
    const pipeline = pipelineOver(scripted.backend);
    const aborted = request({ integrity });
    const other = pipeline.get(request({ integrity }), undefined);
    const call = pipeline.get(aborted, undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(scripted.downloads).toHaveLength(1);
    expect(scripted.downloads[0]!.expectedSha256).toBe(sha256);
    pipeline.abort(aborted.requestId);
    await expect(call).rejects.toMatchObject({ code: 'aborted' });
    pipeline.close(new VolumeCacheError('closed', 'closed'));
    await expect(other).rejects.toMatchObject({ code: 'closed' });
  });
});

describe('GetPipeline.freshHitBytes', () => {
  it('reads a fresh entry straight into a buffer and counts the hit; null for anything else', async () => {
    const scripted = scriptedBackend([entry('a', 'sha-a', 8, NOW - 10), entry('old', 'sha-o', 8, NOW - 10, { expiresAt: NOW - 1 })]);
    const pipeline = pipelineOver(scripted.backend);
    const hit = await pipeline.freshHitBytes(request(), false);
    expect(new TextDecoder().decode(hit!.buffer)).toBe('stored sha-a');
    expect(hit!.status).toBe('hit');
    expect(scripted.hits).toEqual(['a']);
    expect(await pipeline.freshHitBytes(request(), true)).toBeNull(); // verifyOnRead: the full read path checks it
    expect(await pipeline.freshHitBytes(request({ key: 'old' }), false)).toBeNull();
    expect(await pipeline.freshHitBytes(request({ key: 'none' }), false)).toBeNull();
  });
});

describe('GetPipeline.ingest', () => {
  it("stores the service worker's response, and leaves a body this context already downloads to the page", async () => {
    const scripted = scriptedBackend();
    const release = scripted.holdDownloads();
    const pipeline = pipelineOver(scripted.backend);
    const page = pipeline.get(request(), undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const cancelled: string[] = [];
    const body = new ReadableStream({ cancel: () => void cancelled.push('body') });
    await expect(pipeline.ingest(request(), new Response(body))).rejects.toMatchObject({ code: 'aborted' });
    expect(cancelled).toEqual(['body']);
    release();
    await page;
    const response = new Response('sw body');
    scripted.answerWith(async (job) => ({ file: new File(['x'], 'a.nii'), status: 'miss', entry: entry(job.request.key, 's', 1, NOW) }));
    await expect(pipeline.ingest(request({ key: 'b' }), response)).resolves.toMatchObject({ status: 'miss' });
    expect(scripted.downloads.at(-1)!.download.initialResponse).toBe(response);
  });
});
