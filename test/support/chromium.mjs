// Which Chromium the browser tests drive. Shared by ensure-browsers.mjs (run
// before vitest) and the test harness, so both agree on one binary.
import { isExecutable, versionOf } from './executables.mjs';

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** The switches every headless run here uses (tests and benchmarks), each with a fresh --user-data-dir. */
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox', // containers and root CI have no usable user namespaces
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Chromium holds back BEST_EFFORT work until "startup is complete": a visible
  // tab loaded and idle, else 3 minutes after launch. Soft service-worker update
  // jobs are BEST_EFFORT, and a register() of a new script URL queues behind
  // them, so a test page kept busy from its first second could see
  // registerVolumeCacheServiceWorker() hang until that 3-minute failsafe
  // (chrome/browser/after_startup_task_utils.cc). A zero failsafe ends startup
  // at launch; waitForBrowserStartup() checks that it did.
  '--enable-features=ImprovedStartupBestEffortDelay:StartupDelayFailsafeTimeout/0s',
];

/**
 * Resolves once Chromium has declared startup complete (it records the
 * Startup.AfterStartupTaskCount histogram then), so no BEST_EFFORT work
 * (service-worker update jobs among it) is being held back.
 * @param {import('playwright-core').BrowserContext} context
 * @param {number} [timeoutMs]
 */
export async function waitForBrowserStartup(context, timeoutMs = 10_000) {
  const page = context.pages()[0] ?? (await context.newPage());
  const session = await context.newCDPSession(page);
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const recorded = await session.send('Browser.getHistogram', { name: 'Startup.AfterStartupTaskCount' }).then(
        () => true,
        () => false,
      );
      if (recorded) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Chromium has not finished starting up ${timeoutMs / 1000} s after launch, so it still holds back service-worker updates ` +
            '(they would wait up to 3 minutes). The --enable-features switch in test/support/chromium.mjs no longer ends startup at once in this Chromium version.',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** @returns {string} an executable Chromium; throws with the fix if there is none */
export function resolveChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(
      `CHROME_PATH=${fromEnv} is not an executable file. Point CHROME_PATH at a Chromium binary or unset it to use ${DEFAULT_CHROMIUM_PATH}.`,
    );
  }
  if (isExecutable(DEFAULT_CHROMIUM_PATH)) return DEFAULT_CHROMIUM_PATH;
  throw new Error(
    `Chromium not found at ${DEFAULT_CHROMIUM_PATH}. The browser tests need it: run \`sudo apt-get install chromium\` (Debian) or set CHROME_PATH=/path/to/chromium.`,
  );
}

/**
 * @param {string} executablePath
 * @returns {string} e.g. "Chromium 156.0.8078.79 built on Debian GNU/Linux 12 (bookworm)"
 */
export function chromiumVersion(executablePath) {
  return versionOf(executablePath);
}
