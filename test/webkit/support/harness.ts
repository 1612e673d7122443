import { afterAll, beforeAll, beforeEach } from 'vitest';
import { resetServer, testPageURL } from '../../support/testServerClient';
import { launchWebKit, type WebKitBrowser, type WebKitBrowserKind } from './launchWebKit';

export { baseURL, resetServer, serverGets, testPageURL, urlFor } from '../../support/testServerClient';

const PAGE_READY_TIMEOUT_MS = 30_000;
/** A failure report waits this long for the page's log, then goes without it. */
const PAGE_LOG_TIMEOUT_MS = 5_000;

export interface WebKitSuite {
  /** The describe's browser, on the test page. */
  readonly browser: WebKitBrowser;
}

/**
 * One WebKit browser for the enclosing describe, started in beforeAll on the
 * test page and closed in afterAll. A failed test prints what the page logged
 * meanwhile (console.error and .warn, uncaught errors) and what the browser's
 * processes printed (worker and service-worker console lines included, from
 * webkitLauncher.py; MiniBrowser's automation windows print none).
 */
export function useWebKit(kind: WebKitBrowserKind): WebKitSuite {
  let browser: WebKitBrowser | undefined;
  beforeAll(async () => {
    browser = await launchWebKit(kind);
    await openTestPage(browser);
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(({ onTestFailed }) => {
    const mark = browser?.mark() ?? 0;
    const startedAt = Date.now();
    onTestFailed(async () => {
      if (!browser) return;
      const logged = await browser.evaluate(pageLogSince, startedAt, PAGE_LOG_TIMEOUT_MS).catch((error: Error) => [`(page log unavailable: ${error.message})`]);
      if (logged.length > 0) console.error(`Logged on the WebKit page during the failed test:\n  ${logged.join('\n  ')}`);
      const printed = browser.output(mark).trim();
      if (printed) console.error(`Printed by WebKit during the failed test:\n${printed}`);
    });
  });
  return {
    get browser() {
      if (!browser) throw new Error('the WebKit browser is not started (beforeAll failed)');
      return browser;
    },
  };
}

/** Navigates to the test page, waits until /src/index.ts has imported (throws with the import error if it did not), and starts the page log. */
export async function openTestPage(browser: WebKitBrowser): Promise<void> {
  await browser.navigate(testPageURL);
  const importError = await browser.evaluate(
    async (timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (window.testReady !== true) {
        if (Date.now() > until) return `the test page did not finish starting within ${timeoutMs / 1000} s`;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return window.testImportError ?? null;
    },
    PAGE_READY_TIMEOUT_MS,
    PAGE_READY_TIMEOUT_MS + 5_000,
  );
  if (importError !== null) throw new Error(`The test page could not import /src/index.ts in WebKit:\n${importError}\n${browser.output()}`);
  await browser.evaluate(startPageLog, null);
}

/** Page side: keeps console.error and .warn calls and uncaught errors, with their times, for failure reports. */
function startPageLog(): null {
  const log: { at: number; line: string }[] = [];
  (window as unknown as { webkitSmokeLog: typeof log }).webkitSmokeLog = log;
  for (const level of ['error', 'warn'] as const) {
    const original = console[level].bind(console);
    console[level] = (...args: unknown[]) => {
      log.push({ at: Date.now(), line: `console.${level}: ${args.map(String).join(' ')}` });
      original(...args);
    };
  }
  addEventListener('error', (event) => log.push({ at: Date.now(), line: `error: ${event.message}` }));
  addEventListener('unhandledrejection', (event) => log.push({ at: Date.now(), line: `unhandled rejection: ${String(event.reason)}` }));
  return null;
}

/** Page side: the log lines since `since` (epoch ms). */
function pageLogSince(since: number): string[] {
  const log = (window as unknown as { webkitSmokeLog?: { at: number; line: string }[] }).webkitSmokeLog ?? [];
  return log.filter((entry) => entry.at >= since).map((entry) => entry.line);
}


