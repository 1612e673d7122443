import type { BrowserContext, Page, Route } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { testPageURL } from './harness';

/** How to tamper with a test page before it loads, to take capabilities away. */
export interface PagePatches {
  /** Script run in the page before any of its own (page.addInitScript). Does not reach workers. */
  initScript?: string;
  /** Code prepended to the library's worker module, so it runs in the worker before the engine starts. */
  workerPrelude?: string;
  /** Answer the worker module request with this HTTP status instead (the worker then fails to start). */
  workerStatus?: number;
  /** Extra response headers for the worker module, e.g. a Content-Security-Policy, which a dedicated worker takes from its script's response. */
  workerHeaders?: Record<string, string>;
}

/** The library's dedicated worker as the Vite dev server serves it (/src/worker/worker.ts?worker_file&type=module). */
export function isWorkerModule(url: URL): boolean {
  return url.pathname === '/src/worker/worker.ts';
}

export interface PatchedPage {
  page: Page;
  errors: string[];
  /** console.warn messages of the page and its workers, in order: how the library reports a degradation. */
  warnings: string[];
  /** Worker module requests the route saw (proves the patch was applied). */
  workerRequests: string[];
  close(): Promise<void>;
}

/**
 * Opens the test page with patches applied before anything runs, waits for
 * it to import /src/index.ts, and prints its console errors if the current
 * test fails (like harness.newTestPage, which cannot add patches before goto).
 */
export async function openPatchedPage(context: BrowserContext, patches: PagePatches): Promise<PatchedPage> {
  const page = await context.newPage();
  const errors: string[] = [];
  const warnings: string[] = [];
  const workerRequests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console.error: ${message.text()}`);
    if (message.type() === 'warning') warnings.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  onTestFailed(() => {
    if (errors.length > 0) console.error(`Errors on the patched page:\n  ${errors.join('\n  ')}`);
  });

  if (patches.initScript !== undefined) await page.addInitScript({ content: patches.initScript });
  if (patches.workerPrelude !== undefined || patches.workerStatus !== undefined || patches.workerHeaders !== undefined) {
    await page.route(isWorkerModule, async (route: Route) => {
      workerRequests.push(route.request().url());
      if (patches.workerStatus !== undefined) {
        await route.fulfill({ status: patches.workerStatus, contentType: 'text/plain', body: 'worker refused by the test\n' });
        return;
      }
      const response = await route.fetch();
      const body = await response.text();
      await route.fulfill({ response, headers: { ...response.headers(), ...patches.workerHeaders }, body: `${patches.workerPrelude ?? ''}\n${body}` });
    });
  }


  await page.goto(testPageURL);
  await page.waitForFunction(() => window.testReady === true);
  const importError = await page.evaluate(() => window.testImportError);
  if (importError !== undefined) throw new Error(`The patched test page could not import /src/index.ts:\n${importError}`);
  return { page, errors, warnings, workerRequests, close: () => page.close() };
}

/**
 * The first message posted on BroadcastChannel `name` as `page` sees it: how
 * a worker prelude reports what it found. Call it before whatever starts the
 * worker; the listener is in place once the page has run this evaluation,
 * which it does before any evaluation asked for after it.
 */
export function firstBroadcast(page: Page, name: string): Promise<unknown> {
  return page.evaluate(
    (name) =>
      new Promise<unknown>((resolve) => {
        const channel = new BroadcastChannel(name);
        channel.onmessage = (event) => {
          channel.close();
          resolve(event.data);
        };
      }),
    name,
  );
}

/** Script that removes OPFS from a global scope (page or worker): no navigator.storage.getDirectory. */
export const REMOVE_OPFS = 'delete StorageManager.prototype.getDirectory;';

/**
 * Worker prelude: records whether OPFS was there and whether it is gone,
 * from inside the worker, on a BroadcastChannel the page can listen to.
 */
export function removeOpfsInWorkerPrelude(channel: string): string {
  return `{
  const before = typeof navigator.storage?.getDirectory;
  ${REMOVE_OPFS}
  new BroadcastChannel(${JSON.stringify(channel)}).postMessage({
    inWorker: typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope,
    before,
    after: typeof navigator.storage?.getDirectory,
    inPrototype: 'getDirectory' in StorageManager.prototype,
  });
}`;
}

/** Leftovers to plant in a partition's OPFS folders. */
export interface Leftovers {
  /** File names to create in tmp/ (e.g. download-<uuid>.part). */
  tmp: string[];
  /** File names to create in blobs/ (e.g. a sha256 no entry references). */
  blobs: string[];
}

/** Creates files with a few bytes each under volume-cache/<partition>/{tmp,blobs}/, creating the folders if needed. */
export function plantLeftovers(page: Page, partition: string, leftovers: Leftovers): Promise<void> {
  return page.evaluate(
    async ({ partition, leftovers }) => {
      const root = await navigator.storage.getDirectory();
      const base = await (await root.getDirectoryHandle('volume-cache', { create: true })).getDirectoryHandle(partition, { create: true });
      for (const [folder, names] of [['tmp', leftovers.tmp], ['blobs', leftovers.blobs]] as const) {
        const directory = await base.getDirectoryHandle(folder, { create: true });
        for (const name of names) {
          const writable = await (await directory.getFileHandle(name, { create: true })).createWritable();
          await writable.write(new Uint8Array(4096).fill(7));
          await writable.close();
        }
      }
    },
    { partition, leftovers },
  );
}

/** Reloads a test page and waits until it has imported the library again, as a user pressing F5 would leave it. */
export async function reloadTestPage(page: Page): Promise<void> {
  await page.reload();
  await page.waitForFunction(() => window.testReady === true);
  const importError = await page.evaluate(() => window.testImportError);
  if (importError !== undefined) throw new Error(`The reloaded test page could not import /src/index.ts:\n${importError}`);
}

type UnawaitedGetHolder = { volumeCacheUnawaitedGet?: { loaded: number } };

/**
 * Starts cache.get(url) in `page` and does not wait for it, so the page can
 * go away mid-download; unawaitedGetLoaded() follows its progress events.
 */
export function startUnawaitedGet(page: Page, partition: string, url: string): Promise<void> {
  return page.evaluate(
    async ({ partition, url }) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../../src/index');
      const progress = { loaded: 0 };
      (window as unknown as UnawaitedGetHolder).volumeCacheUnawaitedGet = progress;
      const cache = await createVolumeCache({ name: partition });
      void cache
        .get(url, {
          onProgress: ({ loaded }) => {
            progress.loaded = loaded;
          },
        })
        .catch(() => undefined);
    },
    { partition, url },
  );
}

/** Bytes the unawaited get had received at its last progress event (0 before the first, or after the page reloaded). */
export function unawaitedGetLoaded(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as UnawaitedGetHolder).volumeCacheUnawaitedGet?.loaded ?? 0);
}

export interface BoundedGetOutcome {
  status: string;
  size: number;
  sha256: string;
  entrySha256: string | null;
}

/**
 * cache.get(url) in `page`, hashed. `timeoutMs` only turns a get that never
 * settles (a stuck lock or in-flight promise) into a readable failure
 * ('never settled'); it is not a timing assertion.
 */
export function getWithin(page: Page, partition: string, url: string, timeoutMs = 30_000): Promise<BoundedGetOutcome | 'never settled'> {
  return page.evaluate(
    async ({ partition, url, timeoutMs }) => {
      const { createVolumeCache } = window.volumeCache as typeof import('../../../src/index');
      const cache = await createVolumeCache({ name: partition, thumbnails: false });
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const got = cache.get(url).then(async ({ status, file, entry }) => ({ status, size: file.size, sha256: await window.sha256Hex(file), entrySha256: entry?.sha256 ?? null }));
        const never = new Promise<'never settled'>((resolve) => (timer = setTimeout(() => resolve('never settled'), timeoutMs)));
        return await Promise.race([got, never]);
      } finally {
        clearTimeout(timer);
        cache.close();
      }
    },
    { partition, url, timeoutMs },
  );
}
