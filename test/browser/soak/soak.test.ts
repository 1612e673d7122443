import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { generatedVolumeBytes, generatedVolumeSha256 } from '../../server/generatedVolume';
import { createRandom, randomInt } from '../../unit/support/random';
import { launchBrowser, type TestBrowser } from '../support/harness';
import { FAULT_PARAMS } from '../support/pageCache';
import { checkInvariants, readDiskState } from './soakInvariants';

/**
 * A bounded soak: a seeded random mix of get, prefetch, pin, unpin,
 * invalidate, cleanup, clear and page reloads across three tabs, with
 * network faults injected, checking the invariants after every step.
 * SOAK_SECONDS (default 15: a short seeded run within `npm test`) and SOAK_SEED replay or lengthen it; `npm run soak`
 * runs it for longer.
 */
const seconds = Number(process.env.SOAK_SECONDS ?? 15);
const MIN_OPERATIONS = 21;
const seed = Number(process.env.SOAK_SEED ?? 20261122);
const partition = 'soak';
const TAB_COUNT = 3;

const volumes = [
  [2, 1],
  [3, 2],
  [4, 3],
  [6, 4],
  [8, 5],
  [10, 6],
  [12, 7],
  [5, 8],
] as const;
const pathOf = ([slices, volumeSeed]: readonly [number, number]): string => `/gen/${slices}-${volumeSeed}.nii`;
const maxBytes = generatedVolumeBytes(20);

const faults = ['', '', '', 'drop=40000&drops=1&rate=4000000', 'status=503&fails=1', 'html200=1&fails=1', 'short=50000&rate=4000000', 'chunked=1', 'gzipenc=1'];

let browser: TestBrowser;
let tabs: Page[];

async function openCacheIn(page: Page): Promise<void> {
  await page.evaluate(
    async ({ partition, maxBytes, faultParams }) => {
      const lib = window.volumeCache as typeof import('../../../src/index');
      const cache = await lib.createVolumeCache({ name: partition, maxBytes, cacheKey: lib.cacheKeyIgnoring([...faultParams, 'n']) });
      (window as unknown as { soak: typeof cache }).soak = cache;
    },
    { partition, maxBytes, faultParams: FAULT_PARAMS },
  );
}

beforeAll(async () => {
  browser = await launchBrowser();
  tabs = [];
  for (let i = 0; i < TAB_COUNT; i++) {
    const { page } = await browser.newTestPage();
    await openCacheIn(page);
    tabs.push(page);
  }
});
afterAll(async () => {
  await browser.close();
});

type Outcome = { ok: true; sha256: string | null } | { ok: false; code: string };

function runInTab(page: Page, op: string, args: unknown[]): Promise<Outcome[]> {
  return page.evaluate(
    async ({ op, args }) => {
      const cache = (window as unknown as { soak: import('../../../src/index').VolumeCache }).soak;
      const outcome = async (run: () => Promise<{ file?: File } | unknown>): Promise<Outcome> => {
        try {
          const result = (await run()) as { file?: File } | undefined;
          const file = result && typeof result === 'object' && 'file' in result ? result.file : undefined;
          return { ok: true, sha256: file ? await window.sha256Hex(file) : null };
        } catch (error) {
          return { ok: false, code: (error as { code?: string }).code ?? String(error) };
        }
      };
      switch (op) {
        case 'get':
          return [await outcome(() => cache.get(args[0] as string))];
        case 'prefetch': {
          const results = await cache.prefetch(args as string[]);
          return results.map((result): Outcome => (result.ok ? { ok: true, sha256: null } : { ok: false, code: result.code }));
        }
        case 'pin':
          return [await outcome(() => cache.pin(args[0] as string))];
        case 'unpin':
          return [await outcome(() => cache.unpin(args[0] as string))];
        case 'invalidate':
          return [await outcome(() => cache.invalidate(args[0] as string))];
        case 'cleanup':
          return [await outcome(() => cache.cleanup())];
        case 'clear':
          return [await outcome(() => cache.clear())];
        default:
          throw new Error(`unknown op ${op}`);
      }
    },
    { op, args },
  );
}

it(`keeps every invariant through ${seconds} s of random operations and faults (seed ${seed})`, async () => {
  const random = createRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[randomInt(random, 0, list.length - 1)]!;
  const expected = new Map<string, string>();
  for (const volume of volumes) expected.set(pathOf(volume), await generatedVolumeSha256(volume[0], volume[1]));
  const expectedSha256 = (key: string): string | undefined => expected.get(new URL(key).pathname);

  const counts = { operations: 0, faults: 0, reloads: 0, failuresFromFaults: 0 };
  const violations: string[] = [];
  let uniqueness = 0;
  const deadline = Date.now() + seconds * 1000;

  // At least MIN_OPERATIONS steps however slow the machine is: a run that did too little proves
  // nothing, and a shared CI machine must not fail it for being slow (it did 19 in 15 s once).
  while ((Date.now() < deadline || counts.operations < MIN_OPERATIONS) && violations.length === 0) {
    const step = counts.operations;
    const roll = random();
    const tab = pick(tabs);
    // A unique n= keeps fault budgets (fails=, drops=) fresh per request; the cache key ignores it.
    const urlWithFault = (): { url: string; faulty: boolean } => {
      const fault = pick(faults);
      const path = pathOf(pick(volumes));
      const query = [`n=${++uniqueness}`, fault].filter(Boolean).join('&');
      return { url: `${path}?${query}`, faulty: fault !== '' && fault !== 'chunked=1' && fault !== 'gzipenc=1' };
    };
    let label: string;
    if (roll < 0.45) {
      const { url, faulty } = urlWithFault();
      if (faulty) counts.faults++;
      label = `get ${url}`;
      const [result] = await runInTab(tab, 'get', [url]);
      if (result!.ok) {
        const wanted = expected.get(new URL(url, 'http://x').pathname);
        if (result!.sha256 !== wanted) violations.push(`step ${step}: ${label} returned SHA-256 ${result!.sha256}, expected ${wanted}`);
      } else if (faulty) counts.failuresFromFaults++;
      else violations.push(`step ${step}: ${label} failed with ${result!.code} without a fault`);
    } else if (roll < 0.52) {
      const urls = [urlWithFault(), urlWithFault(), urlWithFault()];
      counts.faults += urls.filter((u) => u.faulty).length;
      label = `prefetch ${urls.map((u) => u.url).join(' ')}`;
      const results = await runInTab(tab, 'prefetch', urls.map((u) => u.url));
      results.forEach((result, index) => {
        if (!result.ok && !urls[index]!.faulty) violations.push(`step ${step}: prefetch of ${urls[index]!.url} failed with ${result.code} without a fault`);
      });
    } else if (roll < 0.6) {
      const path = pathOf(pick(volumes));
      label = `pin ${path}`;
      const [result] = await runInTab(tab, 'pin', [path]);
      if (!result!.ok && result!.code !== 'quota') violations.push(`step ${step}: ${label} failed with ${result!.code}`);
    } else if (roll < 0.68) {
      label = 'unpin';
      await runInTab(tab, 'unpin', [pathOf(pick(volumes))]);
    } else if (roll < 0.78) {
      label = 'invalidate';
      await runInTab(tab, 'invalidate', [pathOf(pick(volumes))]);
    } else if (roll < 0.84) {
      label = 'cleanup';
      await runInTab(tab, 'cleanup', []);
    } else if (roll < 0.87) {
      label = 'clear';
      await runInTab(tab, 'clear', []);
    } else if (roll < 0.93) {
      // Two tabs want the same volume at once.
      const path = pathOf(pick(volumes));
      label = `concurrent get ${path}`;
      const [a, b] = await Promise.all([runInTab(tabs[0]!, 'get', [path]), runInTab(tabs[1]!, 'get', [path])]);
      for (const result of [a![0]!, b![0]!]) {
        if (!result.ok) violations.push(`step ${step}: ${label} failed with ${result.code}`);
        else if (result.sha256 !== expected.get(path)) violations.push(`step ${step}: ${label} returned wrong bytes`);
      }
    } else {
      label = 'reload';
      counts.reloads++;
      await tab.reload();
      await tab.waitForFunction(() => window.testReady === true);
      await openCacheIn(tab);
    }
    counts.operations++;
    // Kept uncached results are allowed; killed downloads' temporaries are not.
    for (const violation of checkInvariants(await readDiskState(tabs[0]!, partition), expectedSha256)) {
      violations.push(`step ${step} after ${label}: ${violation}`);
    }
  }

  console.log(
    `soak (seed ${seed}, ${seconds} s): ${counts.operations} operations, ${counts.faults} faults injected (${counts.failuresFromFaults} surfaced as errors), ${counts.reloads} reloads, ${violations.length} invariant violations`,
  );
  expect(violations).toEqual([]);
  expect(counts.operations).toBeGreaterThanOrEqual(MIN_OPERATIONS);
});
