import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { resetServer, testPageURL } from '../../support/testServerClient';
import { CHROMIUM_ARGS, resolveChromium, waitForBrowserStartup } from '../../support/chromium.mjs';

export { baseURL, resetServer, serverGets, serverRequests, testPageURL, urlFor, type RequestRecord } from '../../support/testServerClient';

export interface LaunchBrowserOptions {
  /** Extra Chromium command-line switches. */
  args?: string[];
}

export interface NewTestPageOptions {
  /** Fail unless /src/index.ts imported (default true). */
  requireLibrary?: boolean;
}

export interface TestPage {
  page: Page;
  /** console.error messages and uncaught page errors, in order; printed if the test fails. */
  errors: string[];
}

export interface TestBrowser {
  /** The current context; replaced by restart(). */
  readonly context: BrowserContext;
  /** Profile directory kept across restart(): OPFS, IndexedDB and HTTP cache live here. */
  readonly userDataDir: string;
  newTestPage(options?: NewTestPageOptions): Promise<TestPage>;
  /** Closes Chromium and starts it again on the same profile, like a user restarting the browser. */
  restart(): Promise<void>;
  /** Closes Chromium and deletes the profile. */
  close(): Promise<void>;
}

/** Open pages, plus pages closed during the current test (their errors still explain its failure). */
const trackedPages = new Set<TestPage>();

// Page-side failures explain most browser test failures, so show the errors
// logged during a failed test next to it.
beforeEach(({ onTestFailed }) => {
  for (const tracked of trackedPages) if (tracked.page.isClosed()) trackedPages.delete(tracked);
  const errorsBefore = new Map([...trackedPages].map((tracked) => [tracked, tracked.errors.length]));
  onTestFailed(() => {
    for (const tracked of trackedPages) {
      const errors = tracked.errors.slice(errorsBefore.get(tracked) ?? 0);
      if (errors.length > 0) console.error(`Errors on ${tracked.page.url()}:\n  ${errors.join('\n  ')}`);
    }
  });
});

/** Starts a headless Chromium on a fresh profile. */
export async function launchBrowser(options: LaunchBrowserOptions = {}): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'volume-cache-chromium-'));
  const launch = async () => {
    const launched = await chromium.launchPersistentContext(userDataDir, {
      executablePath: resolveChromium(),
      headless: true,
      args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    });
    await waitForBrowserStartup(launched);
    return launched;
  };
  let context = await launch();

  return {
    get context() {
      return context;
    },
    userDataDir,
    newTestPage: (pageOptions) => openTestPage(context, pageOptions),
    async restart() {
      await context.close();
      context = await launch();
    },
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

async function openTestPage(context: BrowserContext, { requireLibrary = true }: NewTestPageOptions = {}): Promise<TestPage> {
  const page = await context.newPage();
  const testPage: TestPage = { page, errors: [] };
  trackedPages.add(testPage);
  page.on('console', (message) => {
    if (message.type() === 'error') testPage.errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => testPage.errors.push(`pageerror: ${error.stack ?? error.message}`));

  await page.goto(testPageURL);
  await page.waitForFunction(() => window.testReady === true);
  if (requireLibrary) {
    const importError = await page.evaluate(() => window.testImportError);
    if (importError !== undefined) throw new Error(`The test page could not import /src/index.ts:\n${importError}`);
  }
  return testPage;
}


export interface BrowserSuite {
  /** The file's Chromium (the test's, with `browserPerTest`). */
  readonly browser: TestBrowser;
  /** A test page opened with it (only with `{ page: true }`). */
  readonly page: Page;
}

/**
 * The setup most browser test files share: one Chromium for the file,
 * optionally one test page, and the server's request log and fault counts
 * reset before every test. With `browserPerTest`, every test gets a Chromium
 * (and page) of its own instead, for tests that must not inherit a service
 * worker or profile state from the one before. Read `suite.browser` and
 * `suite.page` inside tests and hooks, not at module load.
 */
export function useBrowserSuite(options: { page?: boolean; browserPerTest?: boolean } = {}): BrowserSuite {
  let browser: TestBrowser | null = null;
  let page: Page | null = null;
  const open = async () => {
    browser = await launchBrowser();
    if (options.page) ({ page } = await browser.newTestPage());
  };
  const close = async () => {
    await browser?.close();
    browser = null;
    page = null;
  };
  if (options.browserPerTest) {
    beforeEach(async () => {
      await resetServer();
      await open();
    });
    afterEach(close);
  } else {
    beforeAll(open);
    afterAll(close);
    beforeEach(async () => {
      await resetServer();
    });
  }
  return {
    get browser() {
      if (!browser) throw new Error('useBrowserSuite: the browser starts in beforeAll (beforeEach with browserPerTest)');
      return browser;
    },
    get page() {
      if (!page) throw new Error(options.page ? 'useBrowserSuite: the page opens with the browser' : 'useBrowserSuite({ page: true }) opens a page');
      return page;
    },
  };
}

