import type { BrowserContext, Page } from 'playwright-core';
import { beforeEach } from 'vitest';

export interface DemoPage {
  page: Page;
  /** console.error messages and uncaught errors, printed if the test fails. */
  errors: string[];
}

const openPages = new Set<DemoPage>();

// Page-side errors explain most failures of these tests: show them next to the failure.
beforeEach(({ onTestFailed }) => {
  for (const demo of openPages) if (demo.page.isClosed()) openPages.delete(demo);
  onTestFailed(() => {
    for (const demo of openPages) if (demo.errors.length > 0) console.error(`Errors on ${demo.page.url()}:\n  ${demo.errors.join('\n  ')}`);
  });
});

/** Opens the demo at `origin` (1280×800, a laptop screen) and waits until it has started. */
export async function openDemo(context: BrowserContext, origin: string, query = ''): Promise<DemoPage> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  const demo: DemoPage = { page, errors: [] };
  openPages.add(demo);
  page.on('console', (message) => {
    if (message.type() === 'error') demo.errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => demo.errors.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) => demo.errors.push(`request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`));
  await page.goto(`${origin}/${query}`);
  await waitUntilReady(page);
  return demo;
}

export async function waitUntilReady(page: Page): Promise<void> {
  await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
}

/** Waits until the demo has put its own files in the service worker's offline shell. */
export async function waitUntilOfflineReady(page: Page): Promise<void> {
  await page.locator('body[data-offline-ready="true"]').waitFor({ state: 'attached', timeout: 60_000 });
}

export interface LoadOutcome {
  /** hit, miss, revalidated, stale, uncached, error or unavailable. */
  status: string;
  text: string;
}

/** Clicks a sample volume and waits until its load has finished (rendered or failed). */
export async function loadSample(page: Page, file: string): Promise<LoadOutcome> {
  await page.locator(`#samples button[data-url$="/${file}"]`).click();
  return finishedLoad(page);
}

/** Loads a URL through the demo's URL field. */
export async function loadUrl(page: Page, url: string): Promise<LoadOutcome> {
  await page.getByLabel('Or any URL').fill(url);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  return finishedLoad(page);
}

async function finishedLoad(page: Page): Promise<LoadOutcome> {
  const status = page.locator('#status');
  await page.waitForFunction(() => document.querySelector<HTMLElement>('#status')?.dataset.status !== 'loading', null, { timeout: 90_000 });
  return { status: (await status.getAttribute('data-status')) ?? '', text: (await status.textContent()) ?? '' };
}

export interface PixelStats {
  width: number;
  height: number;
  /** Variance of the grey level (0–255) over the whole canvas. */
  variance: number;
  /** Share of pixels that differ from the background colour (the top-left pixel) by more than a little. */
  foreground: number;
}

/**
 * What the viewer canvas shows, from a screenshot (the composited frame, so
 * WebGL and 2D canvases are measured the same way), decoded in the page.
 */
export async function canvasPixelStats(page: Page): Promise<PixelStats> {
  const png = await page.locator('#viewer-canvas').screenshot();
  return page.evaluate(async (base64) => {
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    const grey = (at: number) => 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]!;
    const background = grey(0);
    let sum = 0;
    let sumSquares = 0;
    let foreground = 0;
    const count = data.length / 4;
    for (let at = 0; at < data.length; at += 4) {
      const value = grey(at);
      sum += value;
      sumSquares += value * value;
      if (Math.abs(value - background) > 16) foreground++;
    }
    const mean = sum / count;
    return { width: bitmap.width, height: bitmap.height, variance: sumSquares / count - mean * mean, foreground: foreground / count };
  }, png.toString('base64'));
}

/** The cache panel's row for a file name (the panel renders in an open shadow root; locators pierce it). */
export function panelRow(page: Page, name: string) {
  return page.locator('.volume-cache-panel tbody tr', { has: page.locator('td.name', { hasText: name }) });
}

/**
 * Reloads `page` with the network emulated offline. Chromium 150 reports
 * navigator.onLine true in a page its service worker served while
 * Playwright's offline emulation is on (156 reported false), which no real
 * offline browser does, and emulating offline again changes nothing; going
 * online and back offline on the page's own session puts it right, firing
 * 'offline' as a real loss would. The context must go back online with
 * setOffline(false) afterwards, as the tests do in their finally blocks.
 */
export async function reloadOffline(context: BrowserContext, page: Page): Promise<void> {
  await page.reload();
  await waitUntilReady(page);
  if (!(await page.evaluate(() => navigator.onLine))) return;
  const session = await context.newCDPSession(page);
  for (const offline of [false, true]) {
    await session.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  }
  // Left attached: detaching ends this session's emulation, and the page would go back online.
}
