// Which Firefox the Firefox tests drive. Shared by ensure-browsers.mjs (run
// before vitest) and the test launcher, so both agree on one binary.
import { isExecutable, versionOf } from './executables.mjs';

/** Debian's Firefox ESR; puppeteer-core drives it over WebDriver BiDi. */
export const DEFAULT_FIREFOX_PATH = '/usr/bin/firefox-esr';

/** @returns {string} an executable Firefox; throws with the fix if there is none */
export function resolveFirefox() {
  const fromEnv = process.env.FIREFOX_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(
      `FIREFOX_PATH=${fromEnv} is not an executable file. Point FIREFOX_PATH at a Firefox binary or unset it to use ${DEFAULT_FIREFOX_PATH}.`,
    );
  }
  if (isExecutable(DEFAULT_FIREFOX_PATH)) return DEFAULT_FIREFOX_PATH;
  throw new Error(
    `Firefox ESR not found at ${DEFAULT_FIREFOX_PATH}. The Firefox tests need it: run \`sudo apt-get install firefox-esr\` (Debian) or set FIREFOX_PATH=/path/to/firefox.`,
  );
}

/**
 * @param {string} executablePath
 * @returns {string} e.g. "Mozilla Firefox 140.12.0esr"
 */
export function firefoxVersion(executablePath) {
  return versionOf(executablePath);
}
