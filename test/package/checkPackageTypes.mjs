// Checks the packed package the way consumers meet it:
// - attw on the tarball, esm-only profile: the package has only `import`
//   conditions, so node16 from ESM and bundler are the resolutions it claims;
// - publint --strict on the extracted package;
// - test/package/types-consumer, installed with the extracted package, under
//   moduleResolution node16 and bundler, with the repository's tsc: its
//   assertions fail if the package's types degrade to `any`, which
//   skipLibCheck otherwise hides.
// `node test/package/checkPackageTypes.mjs` packs first (packTarball: npm pack,
// whose prepack builds); `--no-pack` checks the tarball the package test
// project's globalSetup just made, so a test run packs once.
// Quiet when everything passes; prints each failing tool's output and exits 1.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PACKAGE_ARTIFACTS_DIR, PACKAGE_DIR, TARBALL_PATH, packTarball } from './packTarball.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const consumerSource = join(root, 'test/package/types-consumer');
const consumer = join(PACKAGE_ARTIFACTS_DIR, 'types-consumer');

// Scripts loaded by URL (new Worker(...), navigator.serviceWorker.register(...)),
// not modules to import: they have no API, so there is no type to check
// (volume-cache-sw.js is not even a module). publint still checks they exist.
const SCRIPT_ENTRIES = ['./worker', './sha256-worker', './volume-cache-sw.js'];
const CONSUMER_CONFIGS = ['tsconfig.node16.json', 'tsconfig.bundler.json'];

function main() {
  if (!process.argv.includes('--no-pack')) packTarball();
  else if (!existsSync(TARBALL_PATH) || !existsSync(PACKAGE_DIR)) {
    fail(`--no-pack, but ${TARBALL_PATH} or ${PACKAGE_DIR} is missing: run node test/package/packTarball.mjs`);
  }
  installConsumer();
  const color = process.stdout.isTTY ? '--color' : '--no-color';
  const checks = [
    ['attw', binOf('@arethetypeswrong/cli', 'attw'),
      [TARBALL_PATH, '--profile', 'esm-only', '--exclude-entrypoints', ...SCRIPT_ENTRIES, '--format', 'table-flipped', color]],
    // --pack false: lint the extracted files as they are, not a fresh pack of them.
    ['publint', binOf('publint', 'publint'), ['run', PACKAGE_DIR, '--strict', '--pack', 'false']],
    ...CONSUMER_CONFIGS.map((config) => [`tsc -p types-consumer/${config}`, binOf('typescript', 'tsc'),
      ['-p', join(consumer, config), '--pretty', 'false']]),
  ];
  let failed = false;
  for (const [label, bin, args] of checks) {
    const result = spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8' });
    const ok = result.status === 0;
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}\n`);
    if (!ok) {
      failed = true;
      process.stdout.write(`${result.stdout}${result.stderr}${result.error ?? ''}\n`);
    }
  }
  if (failed) process.exit(1);
}

// A copy of the consumer with the package in its node_modules, as `npm install`
// leaves it; the package's own dependencies (idb, comlink, workbox-*) resolve
// from the repository's node_modules further up, as hoisted ones would.
function installConsumer() {
  rmSync(consumer, { recursive: true, force: true });
  cpSync(consumerSource, consumer, { recursive: true });
  cpSync(PACKAGE_DIR, join(consumer, 'node_modules', 'volume-cache'), { recursive: true });
}

// The devDependency's own bin script, run with this node (publint does not
// export its package.json, so it is read from the repository's node_modules).
function binOf(pkg, bin) {
  const manifest = join(root, 'node_modules', pkg, 'package.json');
  const bins = JSON.parse(readFileSync(manifest, 'utf8')).bin;
  return join(root, 'node_modules', pkg, typeof bins === 'string' ? bins : bins[bin]);
}

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

main();
