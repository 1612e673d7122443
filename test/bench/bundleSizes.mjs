// What an application's bundle carries for volume-cache, gzipped, as its
// bundler builds it from this repository's dist/ (run `npm run build` first):
// createVolumeCache alone, then with the service worker and the cache panel.
// Eager chunks load with the page; lazy ones only when used (workbox-window at
// registration, the page engine when the worker cannot start); worker files
// are fetched by the worker. Deterministic, so one run is enough.
//   node test/bench/bundleSizes.mjs
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const appRoot = `${repoRoot}test/artifacts/bundle-sizes/`;

const SCENARIOS = {
  'createVolumeCache alone': `import { createVolumeCache } from 'volume-cache';\nwindow.cache = createVolumeCache();\n`,
  'with the service worker and the panel': `import { createVolumeCache, registerVolumeCacheServiceWorker, mountCachePanel } from 'volume-cache';
const cache = await createVolumeCache();
await registerVolumeCacheServiceWorker();
mountCachePanel(document.body, cache);\n`,
};

rmSync(appRoot, { recursive: true, force: true });
mkdirSync(`${appRoot}node_modules`, { recursive: true });
// The package as a dependency: its exports, its dist/, its own dependencies.
symlinkSync(repoRoot, `${appRoot}node_modules/volume-cache`, 'dir');

const rows = [];
for (const [name, code] of Object.entries(SCENARIOS)) {
  const entry = `${appRoot}${name.replace(/\W+/g, '-')}.js`;
  writeFileSync(entry, code);
  const output = await build({
    configFile: false,
    root: appRoot,
    logLevel: 'silent',
    build: { write: false, target: 'es2022', modulePreload: false, rolldownOptions: { input: entry } },
  });
  const files = (Array.isArray(output) ? output : [output]).flatMap((result) => result.output);
  const chunks = new Map(files.filter((file) => file.type === 'chunk').map((chunk) => [chunk.fileName, chunk]));
  // Eager: the entry and what it imports statically, transitively.
  const eager = new Set();
  const visit = (fileName) => {
    if (eager.has(fileName)) return;
    eager.add(fileName);
    for (const imported of chunks.get(fileName)?.imports ?? []) visit(imported);
  };
  for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
  const sizes = { eager: 0, lazy: 0, workers: 0 };
  for (const file of files) {
    if (!file.fileName.endsWith('.js')) continue;
    const bytes = gzipSync(file.type === 'chunk' ? file.code : file.source).byteLength;
    if (/(^|\/)(worker|sha256-worker)-[\w-]+\.js$/.test(file.fileName)) sizes.workers += bytes;
    else if (eager.has(file.fileName)) sizes.eager += bytes;
    else sizes.lazy += bytes;
    if (process.env.VERBOSE) process.stdout.write(`${name}: ${file.fileName} ${bytes}\n`);
  }
  rows.push({ scenario: name, ...sizes });
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
process.stdout.write('| what the page imports | with the page (gzip) | loaded when used (gzip) | worker files (gzip) |\n|---|---|---|---|\n');
for (const row of rows) process.stdout.write(`| ${row.scenario} | ${kB(row.eager)} | ${kB(row.lazy)} | ${kB(row.workers)} |\n`);
