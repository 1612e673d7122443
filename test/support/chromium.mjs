// Which Chromium the browser tests drive. Shared by ensure-chromium.mjs (run
// before vitest) and the test harness, so both agree on one binary.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

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
];

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
  // Only stdout: Debian's launcher script prints shell warnings on stderr.
  const result = spawnSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`${executablePath} --version failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
  }
  return result.stdout.trim();
}

/** @param {string} path */
function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
