import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { resetServer, testPageURL } from '../../support/testServerClient';
import { resolveFirefox } from '../../support/firefox.mjs';

// Firefox ESR driven by puppeteer-core over WebDriver BiDi, against the same
// test page (test/browser/pages/index.html) and test server routes as the
// Chromium project. Puppeteer's page.evaluate(fn, ...args) passes its
// arguments one by one, unlike Playwright's single argument.

export { baseURL, resetServer, serverGets, testPageURL, urlFor } from '../../support/testServerClient';

/** Firefox starts in 3-5 s here; this is for a loaded machine, not a normal start. */
const LAUNCH_TIMEOUT_MS = 60_000;
/** Puppeteer's own start timeout: it kills the process when Firefox does not come up. */
const PUPPETEER_LAUNCH_TIMEOUT_MS = 45_000;
/** One protocol call (an evaluate included) that takes longer than this fails instead of hanging. */
const PROTOCOL_TIMEOUT_MS = 90_000;
const CLOSE_TIMEOUT_MS = 15_000;
const PAGE_READY_TIMEOUT_MS = 30_000;

export interface TestPage {
  page: Page;
  /** console.error messages and uncaught page errors, in order; printed if the test fails. */
  errors: string[];
}

export interface TestFirefox {
  readonly browser: Browser;
  /** The profile directory, fresh for this browser: OPFS, IndexedDB and service workers live here. */
  readonly userDataDir: string;
  newTestPage(): Promise<TestPage>;
  /** Closes Firefox (killing it if it does not close) and deletes the profile. */
  close(): Promise<void>;
}

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

/** Starts a headless Firefox ESR on a fresh profile; fails (never hangs) if it does not start. */
export async function launchFirefox(): Promise<TestFirefox> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'volume-cache-firefox-'));
  let browser: Browser;
  try {
    browser = await withTimeout(
      puppeteer.launch({
        browser: 'firefox',
        executablePath: resolveFirefox(),
        headless: true,
        userDataDir,
        timeout: PUPPETEER_LAUNCH_TIMEOUT_MS,
        protocolTimeout: PROTOCOL_TIMEOUT_MS,
      }),
      LAUNCH_TIMEOUT_MS,
      `Firefox did not start within ${LAUNCH_TIMEOUT_MS / 1000} s`,
      (late) => late.close(),
    );
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  return {
    browser,
    userDataDir,
    newTestPage: () => openTestPage(browser),
    async close() {
      try {
        await withTimeout(browser.close(), CLOSE_TIMEOUT_MS, `Firefox did not close within ${CLOSE_TIMEOUT_MS / 1000} s; killed it`);
      } catch (error) {
        browser.process()?.kill('SIGKILL');
        throw error;
      } finally {
        await rm(userDataDir, { recursive: true, force: true, maxRetries: 3 });
      }
    },
  };
}

async function openTestPage(browser: Browser): Promise<TestPage> {
  const page = await browser.newPage();
  const testPage: TestPage = { page, errors: [] };
  trackedPages.add(testPage);
  page.on('console', (message) => {
    if (message.type() === 'error') testPage.errors.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => testPage.errors.push(`pageerror: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`));
  await page.goto(testPageURL);
  await waitForTestPage(page);
  return testPage;
}

/** Waits for the test page to finish starting, and fails if it could not import /src/index.ts. */
export async function waitForTestPage(page: Page): Promise<void> {
  await page.waitForFunction(() => window.testReady === true, { polling: 100, timeout: PAGE_READY_TIMEOUT_MS });
  const importError = await page.evaluate(() => window.testImportError);
  if (importError !== undefined) throw new Error(`The test page could not import /src/index.ts:\n${importError}`);
}

/**
 * One Firefox (and optionally one test page) for the test file, closed in
 * afterAll; the server's request log and fault counts reset before every test.
 * Read `suite.browser` and `suite.page` inside tests and hooks, not at module load.
 */
export function useFirefoxSuite(options: { page?: boolean } = {}): { readonly browser: TestFirefox; readonly page: Page } {
  let browser: TestFirefox | null = null;
  let page: Page | null = null;
  beforeAll(async () => {
    browser = await launchFirefox();
    if (options.page) ({ page } = await browser.newTestPage());
  });
  afterAll(async () => {
    await browser?.close();
    browser = null;
    page = null;
  });
  beforeEach(async () => {
    await resetServer();
  });
  return {
    get browser() {
      if (!browser) throw new Error('useFirefoxSuite: Firefox starts in beforeAll');
      return browser;
    },
    get page() {
      if (!page) throw new Error(options.page ? 'useFirefoxSuite: the page opens with the browser' : 'useFirefoxSuite({ page: true }) opens a page');
      return page;
    },
  };
}



/**
 * `promise`, or a rejection with `message` after `ms`. A result that arrives
 * after the deadline goes to `onLate` (to close a browser nobody will use).
 */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string, onLate?: (value: T) => unknown): Promise<T> {
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new Error(message));
    }, ms);
  });
  void promise.then(
    (value) => {
      if (timedOut) void Promise.resolve(onLate?.(value)).catch(() => undefined);
    },
    () => undefined,
  );
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
