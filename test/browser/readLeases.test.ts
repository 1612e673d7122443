import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { serverGets, useBrowserSuite } from './support/harness';

/**
 * A File taken from OPFS becomes unreadable once its file is removed, so a
 * tab that evicts, invalidates or clears must not pull a file from under a
 * viewer in another tab that is still reading it. These tests hand out Files
 * in one tab, remove their entries from others, and read the Files after.
 */

const suite = useBrowserSuite();

const LEASE_SECONDS = 2;

declare global {
  interface Window {
    leaseCaches?: Map<string, import('../../src/index').VolumeCache>;
    heldFiles?: Map<string, File>;
  }
}

/** Opens the partition's cache in `page` (once) with short leases. */
async function openIn(page: Page, partition: string, options: { maxBytes?: number } = {}): Promise<void> {
  await page.evaluate(
    async ({ partition, options, lease }) => {
      window.leaseCaches ??= new Map();
      if (window.leaseCaches.has(partition)) return;
      const lib = window.volumeCache!;
      window.leaseCaches.set(partition, await lib.createVolumeCache({ name: partition, fileLeaseSeconds: lease, ...options }));
    },
    { partition, options, lease: LEASE_SECONDS },
  );
}

/** getFile() in `page`, keeping the File there under `path` for later reads. */
async function takeFile(page: Page, partition: string, path: string): Promise<{ status: string; sha256: string | null }> {
  await openIn(page, partition);
  return page.evaluate(
    async ({ partition, path }) => {
      const { file, status, entry } = await window.leaseCaches!.get(partition)!.get(path);
      (window.heldFiles ??= new Map()).set(path, file);
      return { status, sha256: entry?.sha256 ?? null };
    },
    { partition, path },
  );
}

/** Reads the File kept by takeFile() in full: its SHA-256, or the name of the error reading failed with. */
function readHeldFile(page: Page, path: string): Promise<{ sha256: string } | { error: string }> {
  return page.evaluate(async (path) => {
    try {
      return { sha256: await window.sha256Hex(await window.heldFiles!.get(path)!.arrayBuffer()) };
    } catch (error) {
      return { error: (error as DOMException).name };
    }
  }, path);
}

function run<T>(page: Page, partition: string, action: 'clear' | 'cleanup' | 'stats' | 'entries' | ['invalidate', string] | ['configure', number]): Promise<T> {
  return page.evaluate(
    async ({ partition, action }) => {
      const cache = window.leaseCaches!.get(partition)!;
      if (action === 'clear') return cache.clear() as Promise<unknown>;
      if (action === 'cleanup') return cache.cleanup();
      if (action === 'stats') return cache.stats();
      if (action === 'entries') return cache.entries();
      if (action[0] === 'invalidate') return cache.invalidate(action[1]);
      return cache.configure({ maxBytes: action[1] });
    },
    { partition, action },
  ) as Promise<T>;
}

/** The partition's stored files (blobs/) with their sizes; one removed while listing is left out. */
function storedFiles(page: Page, partition: string): Promise<Record<string, number>> {
  return page.evaluate(async (partition) => {
    const root = await navigator.storage.getDirectory();
    const blobs = await (await (await root.getDirectoryHandle('volume-cache')).getDirectoryHandle(partition)).getDirectoryHandle('blobs');
    const sizes: Record<string, number> = {};
    for await (const [name, handle] of blobs.entries()) {
      try {
        sizes[name] = (await (handle as FileSystemFileHandle).getFile()).size;
      } catch (error) {
        // A lease ended and its file went between the listing and this look at it.
        if ((error as DOMException).name !== 'NotFoundError') throw error;
      }
    }
    return sizes;
  }, partition);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const sum = (values: number[]): number => values.reduce((total, value) => total + value, 0);

describe('a File handed out in one tab', () => {
  it('stays readable when another tab invalidates its entry and a third tab sweeps at start-up and in cleanup()', async () => {
    const partition = 'lease-invalidate';
    const path = '/gen/64-71.nii';
    const [{ page: viewer }, { page: other }, { page: starting }] = await Promise.all([suite.browser.newTestPage(), suite.browser.newTestPage(), suite.browser.newTestPage()]);
    const expected = await generatedVolumeSha256(64, 71);
    expect(await takeFile(viewer, partition, path)).toEqual({ status: 'miss', sha256: expected });

    await openIn(other, partition);
    expect(await run(other, partition, ['invalidate', path])).toBe(true);
    // A tab starting now sweeps files no entry references; this one is leased.
    await openIn(starting, partition);
    expect(await run(starting, partition, 'cleanup')).toMatchObject({ orphanFiles: 0 });

    expect(await run(other, partition, 'entries')).toEqual([]);
    expect(await storedFiles(other, partition)).toEqual({ [expected]: generatedVolumeBytes(64) });
    expect(await readHeldFile(viewer, path)).toEqual({ sha256: expected });

    // Once the lease ends the file goes, and only then does the File stop working.
    await waitFor(async () => Object.keys(await storedFiles(other, partition)).length === 0, 'the file to be removed');
    expect(await readHeldFile(viewer, path)).toEqual({ error: 'NotFoundError' });
    await Promise.all([viewer, other, starting].map((page) => page.close()));
  });

  it('stays readable through clear() and a budget cut in another tab', async () => {
    const partition = 'lease-clear';
    const [a, b] = ['/gen/64-72.nii', '/gen/64-73.nii'];
    const [{ page: viewer }, { page: other }] = await Promise.all([suite.browser.newTestPage(), suite.browser.newTestPage()]);
    const [shaA, shaB] = await Promise.all([generatedVolumeSha256(64, 72), generatedVolumeSha256(64, 73)]);
    await takeFile(viewer, partition, a);
    await takeFile(viewer, partition, b);

    await openIn(other, partition);
    await run(other, partition, ['configure', generatedVolumeBytes(64)]); // room for one: evicts a
    expect(await readHeldFile(viewer, a)).toEqual({ sha256: shaA });
    await run(other, partition, 'clear');
    expect(await run(other, partition, 'stats')).toMatchObject({ entries: 0, bytes: 0 });
    expect(await readHeldFile(viewer, a)).toEqual({ sha256: shaA });
    expect(await readHeldFile(viewer, b)).toEqual({ sha256: shaB });
    await waitFor(async () => Object.keys(await storedFiles(other, partition)).length === 0, 'the files to be removed');
    await Promise.all([viewer, other].map((page) => page.close()));
  });

  it('stays readable when another tab replaces its entry with a new version of the file', async () => {
    const partition = 'lease-replace';
    // The test server answers this URL's first GET with version 1 and later ones with version 2.
    const path = '/gen/64-75.nii?v=1,2';
    const [{ page: viewer }, { page: other }] = await Promise.all([suite.browser.newTestPage(), suite.browser.newTestPage()]);
    const [v1, v2] = await Promise.all([generatedVolumeSha256(64, 75, 1), generatedVolumeSha256(64, 75, 2)]);
    await openIn(viewer, partition);
    // Fresh for no time, so the other tab's get revalidates and finds version 2.
    const taken = await viewer.evaluate(
      async ({ partition, path }) => {
        const { file, status, entry } = await window.leaseCaches!.get(partition)!.get(path, { ttlSeconds: 0 });
        (window.heldFiles ??= new Map()).set(path, file);
        return { status, sha256: entry?.sha256 ?? null };
      },
      { partition, path },
    );
    expect(taken).toEqual({ status: 'miss', sha256: v1 });

    expect(await takeFile(other, partition, path)).toEqual({ status: 'miss', sha256: v2 });
    expect(await run(other, partition, 'entries')).toMatchObject([{ sha256: v2 }]);
    // The replaced file waits for the viewer's lease.
    expect(await storedFiles(other, partition)).toEqual({ [v1]: generatedVolumeBytes(64), [v2]: generatedVolumeBytes(64) });
    expect(await readHeldFile(viewer, path)).toEqual({ sha256: v1 });

    await waitFor(async () => !(v1 in (await storedFiles(other, partition))), 'the replaced file to be removed');
    expect(await storedFiles(other, partition)).toEqual({ [v2]: generatedVolumeBytes(64) });
    expect(await readHeldFile(viewer, path)).toEqual({ error: 'NotFoundError' });
    await Promise.all([viewer, other].map((page) => page.close()));
  });

  it('keeps its file when the same bytes are stored again while the removal waits', async () => {
    const partition = 'lease-restore';
    const path = '/gen/64-74.nii';
    const [{ page: viewer }, { page: other }] = await Promise.all([suite.browser.newTestPage(), suite.browser.newTestPage()]);
    const expected = await generatedVolumeSha256(64, 74);
    await takeFile(viewer, partition, path);
    await openIn(other, partition);
    await run(other, partition, ['invalidate', path]);
    expect(await takeFile(other, partition, path)).toEqual({ status: 'miss', sha256: expected });
    expect(await serverGets(path)).toHaveLength(2);

    // Well past the lease: the waiting removal must see the file is referenced again.
    await new Promise((resolve) => setTimeout(resolve, (LEASE_SECONDS + 1.5) * 1000));
    expect(await storedFiles(other, partition)).toEqual({ [expected]: generatedVolumeBytes(64) });
    expect(await readHeldFile(viewer, path)).toEqual({ sha256: expected });
    expect(await takeFile(viewer, partition, path)).toEqual({ status: 'hit', sha256: expected });
    await Promise.all([viewer, other].map((page) => page.close()));
  });
});

it('four tabs loading different volumes under a budget that forces eviction: every read succeeds and the accounting is exact', async () => {
  const partition = 'lease-four-tabs';
  const slices = 96;
  const volumeBytes = generatedVolumeBytes(slices);
  const maxBytes = Math.floor(2.5 * volumeBytes);
  const pages = await Promise.all([0, 1, 2, 3].map(async () => (await suite.browser.newTestPage()).page));
  await Promise.all(pages.map((page) => openIn(page, partition, { maxBytes })));

  // Each tab loads its own three volumes, throttled so downloads, reads and
  // other tabs' evictions overlap, and reads every File only after the next
  // download has started.
  const seeds = (tab: number): number[] => [0, 1, 2].map((index) => 800 + tab * 10 + index);
  const outcomes = await Promise.all(
    pages.map((page, tab) =>
      page.evaluate(
        async ({ partition, paths }) => {
          const cache = window.leaseCaches!.get(partition)!;
          const reads: Promise<{ path: string; sha256: string }>[] = [];
          for (const path of paths) {
            const { file } = await cache.get(`${path}?rate=40000000`);
            reads.push(new Promise((resolve) => setTimeout(resolve, 150)).then(async () => ({ path, sha256: await window.sha256Hex(await file.arrayBuffer()) })));
          }
          return Promise.all(reads);
        },
        { partition, paths: seeds(tab).map((seed) => `/gen/${slices}-${seed}.nii`) },
      ),
    ),
  );
  for (const [tab, reads] of outcomes.entries()) {
    const expected = await Promise.all(seeds(tab).map((seed) => generatedVolumeSha256(slices, seed)));
    expect(reads.map((read) => read.sha256)).toEqual(expected);
  }

  const first = pages[0]!;
  const entries = await run<{ bytes: number; sha256: string }[]>(first, partition, 'entries');
  const stats = await run<{ bytes: number; entries: number; evictions: number }>(first, partition, 'stats');
  expect(stats.evictions).toBeGreaterThanOrEqual(12 - 2);
  expect(stats.entries).toBe(entries.length);
  expect(sum(entries.map((entry) => entry.bytes))).toBe(stats.bytes);
  expect(stats.bytes).toBeLessThanOrEqual(maxBytes);
  // Files still leased may linger a moment; once the leases end, disk = entries exactly.
  await waitFor(async () => sum(Object.values(await storedFiles(first, partition))) === stats.bytes, 'OPFS to hold exactly the entries', 20_000);
  expect(Object.keys(await storedFiles(first, partition)).sort()).toEqual(entries.map((entry) => entry.sha256).sort());
  await Promise.all(pages.map((page) => page.close()));
});
