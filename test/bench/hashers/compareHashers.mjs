#!/usr/bin/env node
// Streaming SHA-256 candidates for volume-cache, measured where the library
// hashes: inside a dedicated module Web Worker in headless Chromium.
//
//   node test/bench/hashers/compareHashers.mjs            (from the repo root)
//
// Env knobs: CHROME_PATH (default /usr/bin/chromium), BENCH_MIB (data size,
// default 256), BENCH_RUNS (timed runs, default 5), BENCH_CHUNKS (comma-separated
// byte sizes, default 65536,1048576,4194304).
//
// Steps: (1) minified bundle size of each candidate's import, via a Vite build
// with write: false; (2) a Vite dev server on 127.0.0.1:<random> serving this
// folder (index.html -> main.ts -> hashers.worker.ts); (3) Chromium via
// playwright-core runs the worker and the results are printed as Markdown.
// Nothing is written to disk outside the OS temp dir.

import { build } from 'vite';
import { runBenchPage } from '../lib/runBenchPage.mjs';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cacheDir = join(tmpdir(), 'volume-cache-bench-hashers-vite');
const env = process.env;
const params = new URLSearchParams({
  mib: env.BENCH_MIB ?? '256',
  runs: env.BENCH_RUNS ?? '5',
  chunks: env.BENCH_CHUNKS ?? '65536,1048576,4194304',
});
const TIMEOUT_MS = 10 * 60_000;

const version = (pkg) =>
  JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;

/** Minified (and gzipped) size of what one size-entries/*.ts pulls in. */
async function bundleSize(entry) {
  const out = await build({
    configFile: false,
    root: here,
    cacheDir,
    publicDir: false,
    logLevel: 'silent',
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      outDir: join(tmpdir(), 'volume-cache-bench-hashers-out'),
      rollupOptions: { input: join(here, 'size-entries', entry) },
    },
  });
  const files = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output);
  const bytes = files.map((f) => (f.type === 'chunk' ? f.code : f.source));
  const raw = bytes.reduce((n, b) => n + Buffer.byteLength(b), 0);
  const gz = bytes.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0);
  return { raw, gz, files: files.map((f) => f.fileName) };
}

function runInBrowser() {
  return runBenchPage({ root: here, repoRoot, cacheDir, query: params.toString(), timeoutMs: TIMEOUT_MS });
}

function table(headers, rows) {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const t0 = performance.now();
console.log('Measuring bundle sizes (vite build, minified, write: false)...');
const sizes = {
  [`hash-wasm ${version('hash-wasm')}`]: await bundleSize('hash-wasm.ts'),
  [`@noble/hashes ${version('@noble/hashes')}`]: await bundleSize('noble.ts'),
};
console.log(`Running ${params} in a Chromium worker...`);
const { result: r, chromium: chromiumVersion } = await runInBrowser();

console.log(`\n## Streaming SHA-256 in a dedicated Web Worker\n`);
console.log(
  `${chromiumVersion} (headless), hardwareConcurrency ${r.hardwareConcurrency}, ` +
    `${r.config.totalMiB} MiB pseudo-random data, 1 warm-up + ${r.config.runs} timed rounds (cases interleaved, order rotated per round); ` +
    `a fresh hasher per run (create + update... + digest), chunks are zero-copy views.\n`,
);
console.log(
  table(
    ['Hasher', 'Chunk size', 'Median MiB/s', 'Range MiB/s (slowest-fastest)', `Median time per ${r.config.totalMiB} MiB`],
    r.rows.map((x) => [
      x.hasher,
      x.chunk,
      `**${x.medianMiBs.toFixed(1)}**`,
      `${x.minMiBs.toFixed(1)}-${x.maxMiBs.toFixed(1)}`,
      `${(x.medianMs / 1000).toFixed(2)} s`,
    ]),
  ),
);

console.log(`\n### Digest check\n`);
const katOk = Object.values(r.kat).every(Boolean);
console.log(`- SHA-256("abc") known answer: ${Object.entries(r.kat).map(([k, v]) => `${k} ${v ? 'ok' : 'FAIL'}`).join(', ')}`);
console.log(
  r.mismatches.length === 0
    ? `- All ${r.digestCombinations} hasher/chunking combinations (incl. irregular 1 B..3 MiB+7 splits and every timed run) ` +
        `gave the WebCrypto digest \`${r.reference}\`: OK`
    : `- MISMATCH against WebCrypto \`${r.reference}\`:\n${r.mismatches.map((m) => `  - ${m}`).join('\n')}`,
);

console.log(`\n### Init cost (in the worker)\n`);
console.log(`- hash-wasm first createSHA256() (WASM compile + instantiate): ${r.init.hashWasmFirstCreateMs.toFixed(2)} ms`);
console.log(`- hash-wasm later createSHA256() (median of 20): ${r.init.hashWasmLaterCreateMedianMs.toFixed(3)} ms`);
console.log(`- @noble/hashes sha256.create() (median of 20): ${r.init.nobleCreateMedianMs.toFixed(3)} ms`);
console.log(`  (performance.now() is coarsened in non-isolated contexts; sub-0.1 ms values are approximate)`);

console.log(`\n### Bundle size (vite build, minified; gzip -9 of the output)\n`);
console.log(
  table(
    ['Import', 'Minified', 'Gzipped'],
    Object.entries(sizes).map(([name, s]) => [name, kib(s.raw), kib(s.gz)]),
  ),
);
console.log(`\nTotal wall time ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
process.exitCode = katOk && r.mismatches.length === 0 ? 0 : 1;
