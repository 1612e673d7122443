import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CachePanel, VolumeCache } from '../../src/index';
import { launchBrowser, resetServer, type TestBrowser } from './support/harness';
import { sample } from './support/manifest';

declare global {
  interface Window {
    /** The cache and panel a test mounted on the test page. */
    panelTest?: { cache: VolumeCache; panel: CachePanel };
  }
}

let browser: TestBrowser;
let page: Page;
let partition: string;
let counter = 0;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser.close();
});
// Each test: a fresh page and its own partition, with the panel mounted as a viewer would.
beforeEach(async () => {
  await resetServer();
  partition = `panel-${++counter}`;
  ({ page } = await browser.newTestPage());
  await mountPanel(page, partition);
  return () => page.close();
});

async function mountPanel(target: Page, name: string): Promise<void> {
  await target.evaluate(async (name) => {
    const lib = window.volumeCache!;
    const cache = await lib.createVolumeCache({ name });
    const host = document.createElement('main');
    document.body.append(host);
    // A short clock so "expired" shows soon after an entry expires.
    const panel = lib.mountCachePanel(host, cache, { clockIntervalMs: 200 });
    window.panelTest = { cache, panel };
    await panel.refresh();
  }, name);
}

/** cache.get() on the page's cache, as the viewer embedding the panel would call it. */
async function get(target: Page, path: string, options: { ttlSeconds?: number } = {}): Promise<string> {
  return target.evaluate(async ({ path, options }) => (await window.panelTest!.cache.get(path, options)).status, { path, options });
}

const rows = (target: Page) => target.locator('.volume-cache-panel tbody tr[data-key]');
const row = (target: Page, name: string) => target.locator('.volume-cache-panel tbody tr[data-key]', { has: target.locator('td.name', { hasText: name }) });
const names = (target: Page) => target.locator('.volume-cache-panel tbody tr[data-key] td.name').allTextContents();
const cell = (target: Page, name: string, column: 'expires' | 'pinned') => row(target, name).locator(column === 'expires' ? 'td.expires' : 'td:nth-child(7)').textContent();
const status = (target: Page) => target.locator('.volume-cache-panel .status').textContent();
const entryKeys = (target: Page) => target.evaluate(async () => (await window.panelTest!.cache.entries()).map((entry) => new URL(entry.key).pathname));
const refresh = (target: Page) => target.evaluate(() => window.panelTest!.panel.refresh());

describe('cache panel', () => {
  it('shows each cached volume’s thumbnail once the background job has made it', async () => {
    expect(await get(page, '/data/nifti/avg152T1_LR_nifti.nii')).toBe('miss');
    const thumbnail = row(page, 'avg152T1_LR_nifti.nii').locator('img.thumbnail');
    await expect.poll(async () => {
      await refresh(page);
      return thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && !img.hidden);
    }, { timeout: 20_000 }).toBe(true);
    expect(await thumbnail.evaluate((img: HTMLImageElement) => Math.max(img.naturalWidth, img.naturalHeight))).toBeLessThanOrEqual(128);
  });

  it('shows hit rate, entries, size against max size and persistence from the public API', async () => {
    expect(await get(page, '/data/nifti/functional.nii')).toBe('miss');
    expect(await get(page, '/data/nifti/functional.nii')).toBe('hit');
    await refresh(page);
    const field = (name: string) => page.locator(`.volume-cache-panel [data-field="${name}"]`).textContent();
    expect(await field('hit-rate')).toBe('50% (1 hit, 1 miss)');
    expect(await field('entries')).toBe('1 entry');
    // Binary units, as the API's: the 2 GiB default reads "2 GiB", not "2.15 GB" (GitHub issue 16).
    expect(await page.locator('.volume-cache-panel [role="meter"]').first().getAttribute('aria-valuetext')).toBe('42.2 KiB of 2 GiB max size');
    // The site's usage counts more than the cache (the test page, IndexedDB), and says how much of it is not volumes.
    expect(await page.locator('.volume-cache-panel [role="meter"]').nth(1).getAttribute('aria-valuetext')).toMatch(
      /^[\d.]+ (KiB|MiB) of [\d.]+ (GiB|TiB) browser quota \(whole site(: [\d.]+ (B|KiB|MiB) is the app's own files and other data, not volumes)?\)$/,
    );
    expect(await field('persisted')).toMatch(/^(yes|no)/);
    const facts = sample('functional.nii');
    expect(await row(page, 'functional.nii').locator('td').nth(3).textContent()).toBe(`${facts.dims.join('×')} ${facts.datatype}`);
  });

  it('a pinned entry survives "Clean up expired"; the unpinned expired one goes', async () => {
    await get(page, '/data/nifti/functional.nii', { ttlSeconds: 1 });
    await get(page, '/data/nifti/big.nii.gz', { ttlSeconds: 1 });
    await refresh(page);
    // Keyboard only: focus the row's Pin button and press Enter.
    await page.getByRole('button', { name: 'Pin functional.nii' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => cell(page, 'functional.nii', 'pinned')).toBe('yes');
    await expect.poll(() => cell(page, 'big.nii.gz', 'expires')).toBe('expired');
    await expect.poll(() => cell(page, 'functional.nii', 'expires')).toBe('expired (kept: pinned)');

    await page.getByRole('button', { name: 'Clean up expired' }).click();
    await expect.poll(() => status(page)).toBe('Removed 1 expired volume.');
    expect(await names(page)).toEqual(['functional.nii']);
    expect(await entryKeys(page)).toEqual(['/data/nifti/functional.nii']);
  });

  it('Remove invalidates one entry', async () => {
    await get(page, '/data/nifti/functional.nii');
    await get(page, '/data/nifti/big.nii.gz');
    await refresh(page);
    await page.getByRole('button', { name: 'Remove big.nii.gz from the cache' }).click();
    await expect.poll(() => names(page)).toEqual(['functional.nii']);
    expect(await entryKeys(page)).toEqual(['/data/nifti/functional.nii']);
    expect(await status(page)).toBe('big.nii.gz removed from the cache.');
  });

  it('Clear all asks first, then empties the list, pinned entries included', async () => {
    await get(page, '/data/nifti/functional.nii');
    await get(page, '/data/nifti/big.nii.gz');
    await refresh(page);
    await page.getByRole('button', { name: 'Pin big.nii.gz' }).click();
    await expect.poll(() => cell(page, 'big.nii.gz', 'pinned')).toBe('yes');

    await page.getByRole('button', { name: 'Clear all…' }).click();
    // Cancel keeps everything.
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(await rows(page).count()).toBe(2);
    await page.getByRole('button', { name: 'Clear all…' }).click();
    expect(await page.getByRole('group', { name: 'Confirm clear all' }).textContent()).toContain('Remove all 2 volumes, pinned ones too?');
    await page.getByRole('button', { name: 'Remove everything' }).click();
    await expect.poll(() => rows(page).count()).toBe(0);
    expect(await page.locator('.volume-cache-panel tbody').textContent()).toBe('Nothing cached yet.');
    expect(await entryKeys(page)).toEqual([]);
  });

  it('lowering the max size evicts the least recently used entry at once', async () => {
    // Used in this order: example4d (346 451 bytes) is the least recently used.
    for (const file of ['example4d.nii.gz', 'functional.nii', 'big.nii.gz']) await get(page, `/data/nifti/${file}`);
    await refresh(page);
    expect(await names(page)).toEqual(['big.nii.gz', 'functional.nii', 'example4d.nii.gz']);

    await page.getByLabel('Max size', { exact: true }).fill('0.3');
    await page.getByLabel('Max size unit').selectOption('MiB');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => names(page)).toEqual(['big.nii.gz', 'functional.nii']);
    expect(await status(page)).toContain('Evicted 1 volume.');
    const maxBytes = await page.evaluate(async () => (await window.panelTest!.cache.stats()).maxBytes);
    expect(maxBytes).toBe(314_573);
    expect(await page.getByLabel('Max size', { exact: true }).inputValue()).toBe('0.3');
  });

  it('the default TTL field configures the cache', async () => {
    await page.getByLabel('Default time to live', { exact: true }).fill('2');
    await page.getByLabel('Default time to live unit').selectOption('h');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.evaluate(async () => (await window.panelTest!.cache.stats()).defaultTtlSeconds)).toBe(7200);
    // A typo is refused in the form, not sent.
    await page.getByLabel('Default time to live', { exact: true }).fill('-1');
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(await page.getByLabel('Default time to live', { exact: true }).evaluate((input: HTMLInputElement) => input.validationMessage)).toBe('Enter zero or more.');
    expect(await page.evaluate(async () => (await window.panelTest!.cache.stats()).defaultTtlSeconds)).toBe(7200);
  });

  it('"Make available offline" pins the selected entries', async () => {
    for (const file of ['example4d.nii.gz', 'functional.nii', 'big.nii.gz']) await get(page, `/data/nifti/${file}`);
    await refresh(page);
    const pinSelected = page.getByRole('button', { name: /^Make available offline/ });
    expect(await pinSelected.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'Select functional.nii' }).check();
    await page.getByRole('checkbox', { name: 'Select big.nii.gz' }).check();
    expect(await pinSelected.textContent()).toBe('Make available offline (2)');
    await pinSelected.click();
    await expect.poll(() => cell(page, 'functional.nii', 'pinned')).toBe('yes');
    expect(await cell(page, 'big.nii.gz', 'pinned')).toBe('yes');
    expect(await cell(page, 'example4d.nii.gz', 'pinned')).toBe('no');
    const pinned = await page.evaluate(async () => (await window.panelTest!.cache.entries()).filter((entry) => entry.pinned).map((entry) => new URL(entry.url).pathname).sort());
    expect(pinned).toEqual(['/data/nifti/big.nii.gz', '/data/nifti/functional.nii']);
    // Selection is cleared after the action.
    expect(await pinSelected.isDisabled()).toBe(true);
  });

  it('follows downloads and changes made in another tab, live', async () => {
    const other = await browser.newTestPage();
    // Throttled to about 100 kB/s so the download is in progress for a few seconds.
    const download = other.page.evaluate(async (name) => {
      const cache = await window.volumeCache!.createVolumeCache({ name });
      try {
        return (await cache.get('/data/nifti/example4d.nii.gz?rate=100000')).status;
      } finally {
        cache.close();
      }
    }, partition);
    try {
      const progress = page.getByRole('progressbar', { name: 'Downloading example4d.nii.gz' });
      await progress.waitFor({ timeout: 30_000 });
      // Bytes, rate and time left, once a second progress report gives a rate.
      await expect.poll(() => page.locator('.volume-cache-panel .downloads').textContent()).toMatch(/KiB of 338 KiB · [\d.]+ (KiB|MiB)\/s · (\d+ s left|almost done)/);
      expect(await download).toBe('miss');
      // The entry appears and the progress goes, without this page asking.
      await expect.poll(() => names(page), { timeout: 10_000 }).toEqual(['example4d.nii.gz']);
      await expect.poll(() => progress.count()).toBe(0);
    } finally {
      await download.catch(() => undefined);
      await other.page.close();
    }
  });

  it('buttons show a visible focus ring when reached with the keyboard', async () => {
    await page.getByRole('button', { name: 'Clean up expired' }).focus();
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      const root = document.querySelector('.volume-cache-panel')!.shadowRoot!;
      const focused = root.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      return { text: focused.textContent, style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline).toEqual({ text: 'Clear all…', style: 'solid', width: '3px' });
  });
});

describe('<volume-cache-panel>', () => {
  it('renders a cache given to its cache property, with its heading, and stops when removed', async () => {
    await get(page, '/data/nifti/functional.nii');
    const shown = await page.evaluate(async () => {
      window.volumeCache!.defineVolumeCachePanel();
      const element = document.createElement('volume-cache-panel') as HTMLElement & { cache: VolumeCache; refresh(): Promise<void> };
      element.setAttribute('heading', 'Offline volumes');
      element.style.setProperty('--vcp-accent', 'rgb(124, 58, 237)');
      document.body.append(element);
      element.cache = window.panelTest!.cache;
      await element.refresh();
      const root = element.shadowRoot!;
      const result = {
        heading: root.querySelector('h2')?.textContent,
        names: [...root.querySelectorAll('tbody td.name')].map((cell) => cell.textContent),
        accent: getComputedStyle(root.querySelector('button.primary')!).backgroundColor,
      };
      element.remove();
      return { ...result, emptied: root.childElementCount === 0 };
    });
    expect(shown).toEqual({ heading: 'Offline volumes', names: ['functional.nii'], accent: 'rgb(124, 58, 237)', emptied: true });
  });
});
