#!/usr/bin/env node
// Streaming gunzip for decodeNiftiVolume: the browser's DecompressionStream
// against fflate's streaming Gunzip, measured where decoding runs (a dedicated
// module Web Worker in headless Chromium) on the real .nii.gz samples and on
// two large generated volumes gzipped in the browser with CompressionStream.
//
//   node test/bench/decode/compareGunzip.mjs            (from the repo root)
//
// Env knobs: CHROME_PATH (default /usr/bin/chromium), BENCH_MIB (decompressed
// size of each generated volume, default 256), BENCH_RUNS (timed rounds,
// default 5).

import { runBenchPage } from '../lib/runBenchPage.mjs';
import { fileURLToPath } from 'node:url';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const sharedDataDir = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
const env = process.env;
const manifest = JSON.parse(readFileSync(join(sharedDataDir, 'manifest.json'), 'utf8'));
const samples = manifest.files.filter((f) => f.compressed).map((f) => basename(f.file));
const params = new URLSearchParams({ mib: env.BENCH_MIB ?? '256', runs: env.BENCH_RUNS ?? '5', samples: samples.join(',') });
const TIMEOUT_MS = 20 * 60_000;

const version = (pkg) => JSON.parse(readFileSync(join(repoRoot, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/** Serves ../shared/data/{nifti,bad}/<file> at /data/... */
function sharedDataPlugin() {
  return {
    name: 'shared-data',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const match = /^\/data\/(nifti|bad)\/([^/?]+)$/.exec(req.url ?? '');
        if (!match) return next();
        const path = join(sharedDataDir, match[1], decodeURIComponent(match[2]));
        try {
          res.setHeader('Content-Length', statSync(path).size);
        } catch {
          res.statusCode = 404;
          return res.end();
        }
        res.setHeader('Content-Type', 'application/octet-stream');
        createReadStream(path).pipe(res);
      });
    },
  };
}

function runInBrowser() {
  return runBenchPage({ root: here, repoRoot, cacheDir: join(tmpdir(), 'volume-cache-bench-decode-vite'), plugins: [sharedDataPlugin()], query: params.toString(), timeoutMs: TIMEOUT_MS });
}

function table(headers, rows) {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map((_, i) => (i ? ' ---: ' : ' --- ')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const mib = (bytes) => (bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 3 : 1);
const t0 = performance.now();
console.log(`Running ${params} in a Chromium worker...`);
const { result: r, chromium: chromiumVersion } = await runInBrowser();
const variants = [...new Set(r.rows.map((x) => x.variant))];
const inputs = [...new Set(r.rows.map((x) => x.input))];

console.log(`\n## Streaming gunzip + voxel collection in a dedicated Web Worker\n`);
console.log(
  `${chromiumVersion} (headless), hardwareConcurrency ${r.hardwareConcurrency}, fflate ${version('fflate')}; ` +
    `1 warm-up + ${r.config.runs} timed rounds per input (variants interleaved, order rotated per round; small files repeated within a run). ` +
    `Each run: Blob.stream() -> inflate -> NiftiVoxelCollector (one preallocated voxel buffer). MiB/s of decompressed output at the median time.\n`,
);
console.log(
  table(
    ['Input', 'gz MiB', 'raw MiB', ...variants.map((v) => `${v} MiB/s (min-max)`)],
    inputs.map((input) => {
      const rows = r.rows.filter((x) => x.input === input);
      const first = rows[0];
      return [
        input,
        mib(first.compressedBytes),
        mib(first.decompressedBytes),
        ...variants.map((v) => {
          const x = rows.find((row) => row.variant === v);
          const rate = (ms) => (first.decompressedBytes / 2 ** 20 / (ms / 1000)).toFixed(0);
          return `**${x.medianMiBs.toFixed(0)}** (${rate(x.maxMs)}-${rate(x.minMs)})`;
        }),
      ];
    }),
  ),
);
console.log(`\n### Same voxels from every variant\n`);
console.log(r.mismatches.length === 0 ? '- All variants gave identical voxel SHA-256 for every input: OK' : r.mismatches.map((m) => `- MISMATCH ${m}`).join('\n'));
console.log(`\n### bad/bad_crc.nii.gz (CRC-32 trailer damaged)\n`);
for (const [variant, outcome] of Object.entries(r.badCrc)) console.log(`- ${variant}: ${outcome}`);
console.log(`\nTotal wall time ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
process.exitCode = r.mismatches.length === 0 ? 0 : 1;
