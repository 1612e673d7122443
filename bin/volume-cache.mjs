#!/usr/bin/env node
// `npx volume-cache init <dir>`: copies the prebuilt service worker into the
// folder a site serves at its root (public/ in Vite, Next.js and most
// templates), so the page and the service worker come from the same release.
// Run it again after every upgrade, or from the application's "postinstall".
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVICE_WORKER_FILE = 'volume-cache-sw.js';
const USAGE = `Usage: volume-cache init <dir>    copy ${SERVICE_WORKER_FILE} into <dir> (e.g. public/)
       volume-cache --version`;

/** @param {string[]} args @returns {number} the exit code */
function main(args) {
  const [command, ...rest] = args;
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${readVersion()}\n`);
    return 0;
  }
  if (command === 'init' && rest.length === 1 && !rest[0].startsWith('-')) return init(rest[0]);
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 1 : 0;
  }
  process.stderr.write(`volume-cache: unknown arguments: ${args.join(' ')}\n${USAGE}\n`);
  return 1;
}

/** @param {string} dir */
function init(dir) {
  const source = join(packageRoot, 'dist', SERVICE_WORKER_FILE);
  if (!existsSync(source)) {
    process.stderr.write(`volume-cache: ${source} is missing; is the package built? (in its repository: npm run build)\n`);
    return 1;
  }
  const target = resolve(dir, SERVICE_WORKER_FILE);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
  process.stdout.write(
    `volume-cache ${readVersion()}: copied ${SERVICE_WORKER_FILE} to ${relative(process.cwd(), target) || target}.\n` +
      'Serve that folder at your site\'s root (or pass its URL as scriptURL to registerVolumeCacheServiceWorker()), and run this again after upgrading.\n',
  );
  return 0;
}

function readVersion() {
  return JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).version;
}

process.exitCode = main(process.argv.slice(2));
