// How every benchmark starts Chromium: the binary the tests use (CHROME_PATH,
// then Debian's), the same flags, a fresh profile that close() deletes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS as TEST_CHROMIUM_ARGS, chromiumVersion, resolveChromium, waitForBrowserStartup } from '../../support/chromium.mjs';

export const CHROMIUM_ARGS = [
  ...TEST_CHROMIUM_ARGS,
  // gc() in pages and workers: each timed case starts on a collected heap, so
  // one case's garbage (a transferred 1 GB buffer) is not billed to the next.
  // Without --no-flush-bytecode those forced collections would age the code
  // under test out, and a warm call would pay for compiling it again.
  '--js-flags=--expose-gc --no-flush-bytecode',
];

/**
 * @param {string} name names the profile directory (volume-cache-bench-<name>-*)
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, executablePath: string, userDataDir: string, version: () => string, close: () => Promise<void> }>}
 */
export async function launchBenchChromium(name) {
  const executablePath = resolveChromium();
  const userDataDir = await mkdtemp(join(os.tmpdir(), `volume-cache-bench-${name}-`));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_ARGS });
  await waitForBrowserStartup(context);
  return {
    context,
    executablePath,
    userDataDir,
    version: () => chromiumVersion(executablePath),
    async close() {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}

/**
 * Runs gc() in every page, dedicated worker and service worker of `context`.
 * @param {import('playwright-core').BrowserContext} context
 */
export async function collectGarbage(context) {
  const realms = [...context.pages().flatMap((page) => [page, ...page.workers()]), ...context.serviceWorkers()];
  await Promise.all(realms.map((realm) => realm.evaluate(() => globalThis.gc?.()).catch(() => undefined)));
}

/**
 * Opens `url` and waits for the page to report through window.benchEvent:
 * { type: 'log', text } lines are printed, { type: 'result', result } ends
 * it, anything else (or a page error, a crash, the timeout) fails it.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} url
 * @param {number} timeoutMs
 */
export async function runReportingPage(context, url, timeoutMs) {
  const page = await context.newPage();
  let settle;
  const done = new Promise((resolve, reject) => {
    settle = { resolve, reject };
    setTimeout(() => reject(new Error(`no result after ${timeoutMs / 1000} s`)), timeoutMs).unref();
  });
  page.on('pageerror', (error) => settle.reject(error));
  page.on('crash', () => settle.reject(new Error('page crashed')));
  await page.exposeFunction('benchEvent', (message) => {
    if (message.type === 'log') console.log(`  [worker] ${message.text}`);
    else if (message.type === 'result') settle.resolve(message.result);
    else settle.reject(new Error(message.text));
  });
  await page.goto(url);
  try {
    return await done;
  } finally {
    await page.close().catch(() => undefined);
  }
}
