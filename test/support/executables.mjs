// What the browser resolvers (chromium.mjs, firefox.mjs, webkit.mjs) ask of a binary.
import { accessSync, constants } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** @param {string} path */
export function isExecutable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * What `<executablePath> --version` prints on stdout (Debian's launcher
 * scripts print shell warnings on stderr), or an error saying why it failed.
 * @param {string} executablePath
 * @returns {string}
 */
export function versionOf(executablePath) {
  const result = spawnSync(executablePath, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (result.status !== 0) {
    throw new Error(`${executablePath} --version failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
  }
  return result.stdout.trim();
}
