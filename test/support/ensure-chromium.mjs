// Run before the browser tests (`node test/support/ensure-chromium.mjs`).
// Makes sure a Chromium exists, installing Debian's package when we are root
// on Debian (fresh CI machines), and otherwise fails with the command to run:
// browser tests must never be skipped because the browser is missing.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { chromiumVersion, resolveChromium } from './chromium.mjs';

function main() {
  let executablePath;
  try {
    executablePath = resolveChromium();
  } catch (error) {
    // An explicit CHROME_PATH that is wrong is a configuration mistake, not a
    // missing package: installing something else would hide it.
    if (process.env.CHROME_PATH || !canInstallWithApt()) fail(error);
    installWithApt();
    try {
      executablePath = resolveChromium();
    } catch (afterInstall) {
      fail(afterInstall);
    }
  }
  let version;
  try {
    version = chromiumVersion(executablePath);
  } catch (error) {
    fail(error);
  }
  process.stdout.write(`chromium: ${executablePath} (${version})\n`);
}

function canInstallWithApt() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && onPath('apt-get');
}

function installWithApt() {
  process.stdout.write('Chromium is missing; installing Debian package "chromium" with apt-get.\n');
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', 'chromium'], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    fail(new Error(`\`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}). Install Chromium yourself (\`sudo apt-get install chromium\`) or set CHROME_PATH=/path/to/chromium.`));
  }
}

/** @param {string} command */
function onPath(command) {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}

/** @param {unknown} error @returns {never} */
function fail(error) {
  process.stderr.write(`ensure-chromium: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}

main();
