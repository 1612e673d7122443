import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, resolveChromium, waitForBrowserStartup } from '../../support/chromium.mjs';

export interface FixturePage {
  page: Page;
  context: BrowserContext;
  /** Every console message of the page, its workers and service workers, in order. */
  consoleMessages: { type: string; text: string }[];
  /** Uncaught errors in the page. */
  pageErrors: string[];
  /** Closes Chromium and deletes its profile. */
  close(): Promise<void>;
}


/**
 * Opens `url` in a headless Chromium on a fresh profile (no OPFS, IndexedDB,
 * service worker or HTTP cache left from another fixture) and waits until the
 * fixture's page API is installed.
 */
export async function openFixturePage(url: string): Promise<FixturePage> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'volume-cache-package-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: resolveChromium(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  const close = async () => {
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  };
  try {
    await waitForBrowserStartup(context);
    const consoleMessages: FixturePage['consoleMessages'] = [];
    const pageErrors: string[] = [];
    context.on('console', (message) => consoleMessages.push({ type: message.type(), text: message.text() }));
    context.on('weberror', (error) => pageErrors.push(error.error().stack ?? error.error().message));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(url);
    await page.waitForFunction(() => window.packageTestReady === true, undefined, { timeout: 60_000 }).catch((error: Error) => {
      throw new Error(`${url} never installed its test API (${error.message}).\nConsole:\n  ${consoleMessages.map(({ type, text }) => `${type}: ${text}`).join('\n  ')}\nPage errors:\n  ${pageErrors.join('\n  ')}`);
    });
    return { page, context, consoleMessages, pageErrors, close };
  } catch (error) {
    await close();
    throw error;
  }
}
