// Run before the browser tests: `node test/support/ensure-browsers.mjs`
// (Chromium, Firefox ESR and WebKitGTK) or with the names of the ones a script needs
// (`... ensure-browsers.mjs chromium`). Makes sure each exists, installing
// Debian's packages when we are root on Debian (fresh CI machines), and
// otherwise fails with the command to run: browser tests must never be
// skipped because a browser is missing.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromiumVersion, resolveChromium } from './chromium.mjs';
import { firefoxVersion, resolveFirefox } from './firefox.mjs';
import { resolveWebKit, webkitVersion, WEBKIT_DEBIAN_PACKAGES } from './webkit.mjs';

/**
 * @typedef {object} BrowserRequirement
 * @property {string} envVar an explicit path that overrides the Debian one
 * @property {string | string[]} debianPackage what apt-get installs for it
 * @property {() => string} resolve the executable, or throws with the fix
 * @property {(executablePath: string) => string} version
 */

/** @type {Record<string, BrowserRequirement>} */
const BROWSERS = {
  chromium: { envVar: 'CHROME_PATH', debianPackage: 'chromium', resolve: resolveChromium, version: chromiumVersion },
  firefox: { envVar: 'FIREFOX_PATH', debianPackage: 'firefox-esr', resolve: resolveFirefox, version: firefoxVersion },
  // WebKitGTK's MiniBrowser with its WebDriver, Xvfb and our launcher's bindings (see docs/webkit.md).
  webkit: { envVar: 'MINIBROWSER_PATH', debianPackage: WEBKIT_DEBIAN_PACKAGES, resolve: resolveWebKit, version: () => webkitVersion() },
};

function main() {
  const names = process.argv.slice(2);
  for (const name of names) if (!(name in BROWSERS)) fail(new Error(`unknown browser "${name}"; expected ${Object.keys(BROWSERS).join(' or ')}`));
  const wanted = (names.length > 0 ? names : Object.keys(BROWSERS)).map((name) => ({ name, ...BROWSERS[name] }));

  const missing = wanted.flatMap((browser) => {
    try {
      browser.resolve();
      return [];
    } catch (error) {
      return [{ browser, error }];
    }
  });
  if (missing.length > 0) {
    // An explicit path that is wrong is a configuration mistake, not a
    // missing package: installing something else would hide it.
    const misconfigured = missing.filter(({ browser }) => process.env[browser.envVar]);
    if (misconfigured.length > 0 || !canInstallWithApt()) fail(...missing.map(({ error }) => error));
    installWithApt(missing.flatMap(({ browser }) => browser.debianPackage));
  }

  for (const browser of wanted) {
    let executablePath;
    let version;
    try {
      executablePath = browser.resolve();
      version = browser.version(executablePath);
    } catch (error) {
      fail(error);
    }
    process.stdout.write(`${browser.name}: ${executablePath} (${version})\n`);
  }
}

function canInstallWithApt() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && onPath('apt-get');
}

/** @param {string[]} packages */
function installWithApt(packages) {
  process.stdout.write(`Missing browsers; installing Debian packages ${packages.map((name) => `"${name}"`).join(', ')} with apt-get.\n`);
  const manualFix = `Install them yourself (\`sudo apt-get install ${packages.join(' ')}\`) or set ${Object.values(BROWSERS).map((browser) => browser.envVar).join(' / ')}.`;
  run('apt-get', ['update'], process.env, manualFix);
  run('apt-get', ['install', '-y', ...packages], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, manualFix);
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {string} manualFix
 */
function run(command, args, env, manualFix) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    fail(new Error(`\`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}). ${manualFix}`));
  }
}

/** @param {string} command */
function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** @param {unknown[]} errors @returns {never} */
function fail(...errors) {
  for (const error of errors) process.stderr.write(`ensure-browsers: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

main();
