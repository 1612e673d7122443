import { afterEach, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../server/generatedVolume';
import { serverGets, testPageURL, useBrowserSuite } from './support/harness';
import { getWithin } from './support/lifecyclePages';
import { auditPartition, expectAuditMatches, writerLocks } from './support/partitionAudit';
import { ServiceWorkerDevTools, servedServiceWorkerBuilds, serviceWorkerBuildsSeenBy, setServiceWorkerBuild } from './support/serviceWorkerControl';
import { readBytes, readOutcome, startRead, type ReadOutcome } from './support/streamingReads';

/**
 * Two service-worker versions at once during an update (issue #6): the
 * server hands out numbered builds of /volume-cache-sw.js (same URL, other
 * bytes, as a site deploying a new dist/ file), so registration.update()
 * installs v2 while v1 still controls the open pages. serviceWorker.test.ts
 * covers an update with nothing in flight; these cover pages reading and
 * caching through v1 while v2 waits, a page opened in that window, and v2
 * taking over pages that v1 served.
 */

const suite = useBrowserSuite({ browserPerTest: true });
afterEach(async () => {
  await setServiceWorkerBuild(0);
});

const partition = 'sw-update';

async function register(page: Page, options: { skipWaiting?: boolean } = {}): Promise<void> {
  await page.evaluate(
    async ({ partition, options }) => {
      const lib = window.volumeCache as typeof import('../../src/index');
      await lib.registerVolumeCacheServiceWorker({ name: partition, match: { pathPrefixes: ['/gen/'] }, ...options });
    },
    { partition, options },
  );
}

/** Asks the page's registration to check for a new script now, as the browser does on navigation or after 24 hours. */
async function checkForUpdate(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())!.update();
  });
}

function volume(slices: number, seed: number, query = '') {
  return { path: `/gen/${slices}-${seed}.nii${query}`, size: generatedVolumeBytes(slices), sha256: generatedVolumeSha256(slices, seed) };
}

/** fetch(path) in the page, read whole. */
async function read(page: Page, id: string, path: string): Promise<ReadOutcome | 'hung'> {
  await startRead(page, id, path);
  return readOutcome(page, id);
}

async function expectRead(outcome: ReadOutcome | 'hung', v: ReturnType<typeof volume>, headers: (string | null)[]): Promise<void> {
  expect(outcome).toMatchObject({ status: 200, size: v.size, sha256: await v.sha256, error: null });
  expect(headers).toContain((outcome as ReadOutcome).header);
}

/** stats().serviceWorker of the partition, as `page` sees it: what the service worker recorded when it opened it. */
async function serviceWorkerStatus(page: Page) {
  return page.evaluate(async (partition) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: partition, thumbnails: false });
    const { serviceWorker } = await cache.stats();
    cache.close();
    return serviceWorker;
  }, partition);
}

async function entryPaths(page: Page): Promise<string[]> {
  return page.evaluate(async (partition) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const cache = await lib.createVolumeCache({ name: partition, thumbnails: false });
    const paths = (await cache.entries()).map((entry) => new URL(entry.key).pathname + new URL(entry.key).search);
    cache.close();
    return paths.sort();
  }, partition);
}

it('while v2 waits for v1 to finish caching a miss, an open page and a new one read hits and cache a new miss through v1; v2 then takes over both with every volume intact', async () => {
  const x = volume(16, 81); // cached by the page's worker
  const y = volume(16, 82); // cached by v1
  // Cached by v1 while the update waits: 4 MiB at 0.5 MB/s keeps v1 busy for about eight seconds.
  const z = volume(64, 83, '?rate=500000');
  const w = volume(16, 84); // missed by both pages at once while both versions exist
  const v = volume(16, 85); // missed through v2

  await setServiceWorkerBuild(1);
  const { page: a } = await suite.browser.newTestPage();
  await register(a);
  expect(await serviceWorkerBuildsSeenBy(a)).toEqual({ controller: 1, active: 1, waiting: null, installing: null });
  expect(await getWithin(a, partition, x.path)).toMatchObject({ status: 'miss', sha256: await x.sha256 });
  await expectRead(await read(a, 'y', y.path), y, ['miss']);
  await expect.poll(() => entryPaths(a), { timeout: 10_000 }).toContain(y.path);

  await setServiceWorkerBuild(2);
  await startRead(a, 'z', z.path);
  await expect.poll(() => readBytes(a, 'z'), { timeout: 10_000 }).toBeGreaterThan(0);
  const updateStartedAt = await a.evaluate(() => Date.now());
  await checkForUpdate(a);
  expect(await servedServiceWorkerBuilds()).toContain(2);
  // skipWaiting, but Chromium activates v2 only once v1 has no event in flight: v1 is still caching z.
  await expect.poll(() => serviceWorkerBuildsSeenBy(a), { timeout: 10_000 }).toEqual({ controller: 1, active: 1, waiting: 2, installing: null });

  const { page: b } = await suite.browser.newTestPage();
  // A page opened now gets the active v1, not the waiting v2.
  expect(await serviceWorkerBuildsSeenBy(b)).toEqual({ controller: 1, active: 1, waiting: 2, installing: null });
  await Promise.all([startRead(a, 'x', x.path), startRead(b, 'y', y.path), startRead(a, 'w', w.path), startRead(b, 'w', w.path)]);
  await expectRead(await readOutcome(a, 'x'), x, ['hit']);
  await expectRead(await readOutcome(b, 'y'), y, ['hit']);
  // One of the two may wait for the other's download and be a hit.
  await expectRead(await readOutcome(a, 'w'), w, ['miss', 'hit']);
  await expectRead(await readOutcome(b, 'w'), w, ['miss', 'hit']);
  // All of that happened with both versions installed.
  expect(await readBytes(a, 'z')).toBeLessThan(z.size);
  expect(await serviceWorkerBuildsSeenBy(b)).toEqual({ controller: 1, active: 1, waiting: 2, installing: null });

  await expectRead(await readOutcome(a, 'z'), z, ['miss']);
  const v2Everywhere = { controller: 2, active: 2, waiting: null, installing: null };
  // Alone this takes a moment; in two of three full CI runs v1 stayed busy past 15 s after z's
  // last byte (cause not found yet: see the issue notes), so the wait allows a file lease's 60 s.
  await expect.poll(() => serviceWorkerBuildsSeenBy(a), { timeout: 60_000 }).toEqual(v2Everywhere);
  await expect.poll(() => serviceWorkerBuildsSeenBy(b), { timeout: 15_000 }).toEqual(v2Everywhere);

  // v2 serves what the page's worker and v1 cached, to both pages, and caches a miss of its own.
  for (const [page, id, entry] of [[a, 'x2', x], [b, 'x2', x], [a, 'y2', y], [b, 'z2', z], [a, 'w2', w], [b, 'w2', w]] as const) {
    await expectRead(await read(page, id, entry.path), entry, ['hit']);
  }
  await expectRead(await read(b, 'v', v.path), v, ['miss']);
  await expect.poll(() => entryPaths(a), { timeout: 10_000 }).toContain(v.path);
  await expectRead(await read(a, 'v2', v.path), v, ['hit']);

  for (const entry of [x, y, z, v]) expect([entry.path, (await serverGets(entry.path)).length]).toEqual([entry.path, 1]);
  const stats = await serviceWorkerStatus(a);
  // The status v2 recorded when it opened the partition.
  expect(stats).toMatchObject({ mode: 'read-write' });
  expect(stats!.startedAt).toBeGreaterThanOrEqual(updateStartedAt);
  expect(await writerLocks(a, partition)).toEqual({ held: [], pending: [] });
  const expected = Object.fromEntries(await Promise.all([x, y, z, w, v].map(async (entry) => [entry.path, await entry.sha256] as const)));
  expectAuditMatches(await auditPartition(a, partition), expected);
});

it('without skipWaiting, v2 waits while any page uses v1; pages opened meanwhile get v1; once they close, v2 serves everything cached', async () => {
  const x = volume(16, 91); // cached through v1 before the update
  const y = volume(16, 92); // cached through v1 while v2 waits

  await setServiceWorkerBuild(1);
  const { page: a } = await suite.browser.newTestPage();
  await register(a, { skipWaiting: false });
  await expectRead(await read(a, 'x', x.path), x, ['miss']);
  await expect.poll(() => entryPaths(a), { timeout: 10_000 }).toContain(x.path);

  await setServiceWorkerBuild(2);
  await checkForUpdate(a);
  const waiting = { controller: 1, active: 1, waiting: 2, installing: null };
  await expect.poll(() => serviceWorkerBuildsSeenBy(a), { timeout: 10_000 }).toEqual(waiting);
  const { page: b } = await suite.browser.newTestPage();
  expect(await serviceWorkerBuildsSeenBy(b)).toEqual(waiting);

  await Promise.all([startRead(a, 'x2', x.path), startRead(b, 'x2', x.path), startRead(b, 'y', y.path)]);
  await expectRead(await readOutcome(a, 'x2'), x, ['hit']);
  await expectRead(await readOutcome(b, 'x2'), x, ['hit']);
  await expectRead(await readOutcome(b, 'y'), y, ['miss']);
  await expect.poll(() => entryPaths(b), { timeout: 10_000 }).toContain(y.path);
  expect(await serviceWorkerBuildsSeenBy(a)).toEqual(waiting);

  // Watched from a page outside the scope, which is no client of either version.
  const c = await suite.browser.context.newPage();
  const devTools = await ServiceWorkerDevTools.attach(suite.browser.context, c);
  await expect.poll(() => devTools.list().map((version) => version.status).sort(), { timeout: 10_000 }).toEqual(['activated', 'installed']);
  await a.close();
  await b.close();
  // With no page left on v1, v2 activates; a page opened after that is controlled by it.
  await expect.poll(() => devTools.list().map((version) => version.status).sort(), { timeout: 15_000 }).toEqual(['activated', 'redundant']);
  await devTools.detach();
  await c.goto(testPageURL);
  await c.waitForFunction(() => window.testReady === true);
  expect(await serviceWorkerBuildsSeenBy(c)).toEqual({ controller: 2, active: 2, waiting: null, installing: null });
  await expectRead(await read(c, 'x', x.path), x, ['hit']);
  await expectRead(await read(c, 'y', y.path), y, ['hit']);
  for (const entry of [x, y]) expect([entry.path, (await serverGets(entry.path)).length]).toEqual([entry.path, 1]);
  expectAuditMatches(await auditPartition(c, partition), { [x.path]: await x.sha256, [y.path]: await y.sha256 });
});

it('a service worker from another release says so: register() returns its version, the console warns once, stats().serviceWorker shows the mismatch', async () => {
  const x = volume(16, 86);
  await setServiceWorkerBuild(1, '0.0.1-old');
  const { page } = await suite.browser.newTestPage();
  await page.evaluate(() => {
    const warnings: string[] = [];
    (window as unknown as { warnings: string[] }).warnings = warnings;
    const warn = console.warn.bind(console);
    console.warn = (...parts: unknown[]) => {
      warnings.push(parts.map(String).join(' '));
      warn(...parts);
    };
  });
  const outcome = await page.evaluate(async (partition) => {
    const lib = window.volumeCache as typeof import('../../src/index');
    const first = await lib.registerVolumeCacheServiceWorker({ name: partition, match: { pathPrefixes: ['/gen/'] } });
    const again = await lib.registerVolumeCacheServiceWorker({ name: partition, match: { pathPrefixes: ['/gen/'] } });
    return { first: first.version, again: again.version, warnings: (window as unknown as { warnings: string[] }).warnings };
  }, partition);
  expect(outcome.first).toBe('0.0.1-old');
  expect(outcome.again).toBe('0.0.1-old');
  const said = outcome.warnings.filter((text) => text.startsWith('volume-cache:'));
  expect(said, 'warned once for two registrations').toHaveLength(1);
  expect(said[0]).toMatch(/^volume-cache: the service worker at \/volume-cache-sw\.js is version 0\.0\.1-old, the page's library \d+\.\d+\.\d+.*npx volume-cache init/);

  // The service worker records its version when it opens the partition, on its first volume request.
  await expectRead(await read(page, 'x', x.path), x, ['miss']);
  const serviceWorker = await serviceWorkerStatus(page);
  expect(serviceWorker).toMatchObject({ mode: 'read-write', version: '0.0.1-old', sameVersion: false });
});
