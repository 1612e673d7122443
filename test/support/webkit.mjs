// Which WebKitGTK the WebKit tests drive. Shared by the WebKit project's
// global setup and launcher (test/webkit/support/) and, if it lists webkit,
// ensure-browsers.mjs, so all agree on one set of binaries.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isExecutable } from './executables.mjs';

/**
 * Debian 12 packages for the WebKit run: the WebDriver server, the engine with
 * its MiniBrowser, the GObject bindings our persistent-profile launcher is
 * written against, and a virtual X display (MiniBrowser has no headless mode).
 */
export const WEBKIT_DEBIAN_PACKAGES = ['webkit2gtk-driver', 'libwebkit2gtk-4.1-0', 'gir1.2-webkit2-4.1', 'python3-gi', 'xvfb'];

const DRIVER = '/usr/bin/WebKitWebDriver';
const XVFB = '/usr/bin/Xvfb';
/** Debian's own python3, never a pyenv or venv one: python3-gi is installed for it. */
const PYTHON = '/usr/bin/python3';
const LAUNCHER = fileURLToPath(new URL('../webkit/support/webkitLauncher.py', import.meta.url));

/** @param {string} what */
function notFound(what) {
  return new Error(
    `${what} not found. The WebKit tests need WebKitGTK 2.50 or later: run \`sudo apt-get install ${WEBKIT_DEBIAN_PACKAGES.join(' ')}\` (Debian 12).`,
  );
}

/** @returns {import('./webkit.d.mts').WebKitBinaries} everything the WebKit run starts; throws with the fix if something is missing */
export function resolveWebKitBinaries() {
  const miniBrowser = findMiniBrowser();
  for (const path of [DRIVER, XVFB, PYTHON]) if (!isExecutable(path)) throw notFound(path);
  return { driver: DRIVER, miniBrowser, python: PYTHON, launcher: LAUNCHER, xvfb: XVFB, version: webkitVersion() };
}

/**
 * The shape ensure-browsers.mjs expects of a browser: checks everything the
 * run needs (as resolveWebKitBinaries does) and returns the MiniBrowser.
 * @returns {string}
 */
export function resolveWebKit() {
  return resolveWebKitBinaries().miniBrowser;
}

/** @returns {string} Debian's MiniBrowser (MINIBROWSER_PATH overrides) */
function findMiniBrowser() {
  const fromEnv = process.env.MINIBROWSER_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`MINIBROWSER_PATH=${fromEnv} is not an executable file. Point it at WebKitGTK's MiniBrowser or unset it.`);
  }
  // In the multiarch directory, e.g. /usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/.
  for (const triplet of readdirSync('/usr/lib')) {
    const candidate = `/usr/lib/${triplet}/webkit2gtk-4.1/MiniBrowser`;
    if (isExecutable(candidate)) return candidate;
  }
  throw notFound('MiniBrowser (/usr/lib/<triplet>/webkit2gtk-4.1/MiniBrowser)');
}

/**
 * The WebKitGTK version, from the library our launcher loads (MiniBrowser
 * --version needs an X display). Throws with the fix when the bindings are missing.
 * @param {string} [_miniBrowser] unused: the same signature as the other browsers' version()
 * @returns {string} e.g. "WebKitGTK 2.50.6"
 */
export function webkitVersion(_miniBrowser) {
  if (!isExecutable(PYTHON)) throw notFound(PYTHON);
  const result = spawnSync(PYTHON, [LAUNCHER, '--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) {
    throw notFound(`The WebKit2 4.1 GObject bindings for ${PYTHON} (${(result.stderr || result.error?.message || '').trim().split('\n').pop()})`);
  }
  return `WebKitGTK ${result.stdout.trim()}`;
}
