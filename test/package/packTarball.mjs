// Packs the package exactly as `npm publish` would and unpacks it where the
// package tests, and the type checks (attw, publint), look for it. Run it
// alone with `node test/package/packTarball.mjs`; it prints the tarball path.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Everything the package tests write: the tarball, the extracted package, the fixture apps. */
export const PACKAGE_ARTIFACTS_DIR = `${repoRoot}test/artifacts/package`;

/** The tarball, under a name that does not change with the version (npm names it volume-cache-<version>.tgz). */
export const TARBALL_PATH = `${PACKAGE_ARTIFACTS_DIR}/volume-cache.tgz`;

/** What the last pack printed (the build's output among it), for the test that it printed no warnings. */
export const PACK_LOG_PATH = `${PACKAGE_ARTIFACTS_DIR}/pack.log`;

/** The tarball extracted: the package root (package.json, dist/, bin/), as an install puts it in node_modules/volume-cache. */
export const PACKAGE_DIR = `${PACKAGE_ARTIFACTS_DIR}/volume-cache`;

/**
 * Packs the current source (npm's prepack runs the build) and extracts it.
 * With VOLUME_CACHE_TARBALL=<file.tgz> set, tests that tarball instead, e.g.
 * one fetched with `npm pack volume-cache@<version>`.
 * @returns {string} TARBALL_PATH
 */
export function packTarball() {
  mkdirSync(PACKAGE_ARTIFACTS_DIR, { recursive: true });
  const given = process.env.VOLUME_CACHE_TARBALL ? resolve(process.env.VOLUME_CACHE_TARBALL) : undefined;
  rmSync(PACK_LOG_PATH, { force: true });
  if (given === undefined) {
    rmSync(TARBALL_PATH, { force: true });
    pack();
  } else if (given !== TARBALL_PATH) {
    copyFileSync(given, TARBALL_PATH);
  }
  rmSync(PACKAGE_DIR, { recursive: true, force: true });
  mkdirSync(PACKAGE_DIR, { recursive: true });
  // npm tarballs keep every file under package/.
  run('tar', ['-xzf', TARBALL_PATH, '-C', PACKAGE_DIR, '--strip-components=1']);
  return TARBALL_PATH;
}

function pack() {
  const { scripts = {} } = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8'));
  // Without it, a pack ships whatever dist/ happens to hold, and the tests
  // would prove an old build.
  if (!scripts.prepack) throw new Error('package.json has no "prepack" script: npm pack would not build the current source');
  // npm pack prints the file name it wrote as its last line of output.
  const { stdout: output, stderr } = runWithOutput('npm', ['pack', '--pack-destination', PACKAGE_ARTIFACTS_DIR]);
  writeFileSync(PACK_LOG_PATH, `${output}\n${stderr}`);
  const name = output.trim().split('\n').at(-1)?.trim() ?? '';
  if (!name.endsWith('.tgz')) throw new Error(`npm pack did not end with a tarball name:\n${output}`);
  renameSync(`${PACKAGE_ARTIFACTS_DIR}/${name}`, TARBALL_PATH);
}

/**
 * Runs a command in the repository; its output (the build's, npm's notices)
 * is shown only when it fails, so a passing `npm test` stays quiet.
 * @param {string} command
 * @param {string[]} args
 * @returns {string} its stdout
 */
function run(command, args) {
  return runWithOutput(command, args).stdout;
}

/**
 * @param {string} command
 * @param {string[]} args
 * @returns {{ stdout: string, stderr: string }}
 */
function runWithOutput(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `\`${command} ${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(packTarball());
}
