#!/usr/bin/env node
// Time to ready voxels (getVolume cold / warm compressed / warm decoded vs
// NiiVue-style fetch + gunzip every time) and encrypted vs plain partitions,
// in headless Chromium against the local volume server.
//
//   node test/bench/readyAndEncrypted.mjs [--runs 3]
//
// The .nii.gz volumes are generated here (int16, smooth pattern plus noise,
// so they compress like real images) and served from memory; never written to disk.

import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createServer, runnerImport } from 'vite';
import { collectGarbage, launchBenchChromium } from './lib/chromium.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 3) || 3;
const MiB = 1 << 20;
const log = (line) => process.stderr.write(`${line}\n`);

/** A NIfTI-1 int16 volume of 256 x 256 x slices voxels, gzipped. */
function generatedNiiGz(slices) {
  const voxels = 256 * 256 * slices;
  const file = Buffer.alloc(352 + voxels * 2);
  file.writeInt32LE(348, 0);
  const dims = [3, 256, 256, slices, 1, 1, 1, 1];
  dims.forEach((d, i) => file.writeInt16LE(d, 40 + i * 2));
  file.writeInt16LE(4, 70); // datatype int16
  file.writeInt16LE(16, 72); // bitpix
  for (let i = 0; i < 8; i++) file.writeFloatLE(1, 76 + i * 4);
  file.writeFloatLE(352, 108); // vox_offset
  file.write('n+1\0', 344, 'latin1');
  let seed = slices;
  for (let z = 0, i = 352; z < slices; z++) {
    for (let y = 0; y < 256; y++) {
      for (let x = 0; x < 256; x++, i += 2) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        const value = Math.round(800 * Math.sin(x / 23) * Math.cos(y / 31) + 3 * z + (seed >>> 28));
        file.writeInt16LE(value, i);
      }
    }
  }
  return gzipSync(file, { level: 6 });
}

const { testServerPlugin } = (await runnerImport(join(repoRoot, 'test/server/testServerPlugin.ts'))).module;
const { sharedDataDir } = (await runnerImport(join(repoRoot, 'test/support/repoPaths.ts'))).module;
const generated = (await runnerImport(join(repoRoot, 'test/server/generatedVolume.ts'))).module;

const volumes = [
  { label: '50 MB', slices: 381 },
  { label: '200 MB', slices: 1526 },
];
const gz = new Map();
for (const volume of volumes) {
  log(`generating ${volume.label} .nii.gz`);
  gz.set(`/bench-gz/${volume.slices}.nii.gz`, generatedNiiGz(volume.slices));
}

const server = await createServer({
  configFile: false,
  root: repoRoot,
  cacheDir: join(repoRoot, 'node_modules/.vite-bench'),
  logLevel: 'warn',
  plugins: [
    testServerPlugin(),
    {
      name: 'bench-gz',
      configureServer(s) {
        s.middlewares.use((request, response, next) => {
          const body = gz.get((request.url ?? '').split('?')[0]);
          if (!body) return next();
          response.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': body.length, ETag: `"${body.length}"` });
          response.end(body);
        });
      },
    },
  ],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 0, fs: { allow: [repoRoot, sharedDataDir] }, hmr: false, watch: null },
  optimizeDeps: { include: ['idb', 'comlink', 'nifti-reader-js', 'hash-wasm', 'workbox-window'], noDiscovery: true },
});
await server.listen();
const origin = `http://127.0.0.1:${server.httpServer.address().port}`;
const chromium = await launchBenchChromium('ready');
const { context } = chromium;
const page = await context.newPage();
page.on('pageerror', (error) => log(`pageerror: ${error.message}`));
await page.goto(`${origin}/test/bench/ready/index.html`);
await page.waitForFunction(() => window.readyBench !== undefined, null, { timeout: 120_000 });
const call = (name, ...args) => page.evaluate(({ name, args }) => window.readyBench.call(name, ...args), { name, args });

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const rows = [];
let partition = 0;

for (const volume of volumes) {
  const url = `/bench-gz/${volume.slices}.nii.gz`;
  const voxelMiB = (256 * 256 * volume.slices * 2) / MiB;
  const samples = { niivue: [], cold: [], compressed: [], decoded: [] };
  for (let run = 0; run <= runs; run++) {
    const keep = run > 0; // run 0 warms up
    await collectGarbage(context);
    const niivue = await call('niivueStyle', url);
    await call('open', `ready-${++partition}`, { keepDecoded: true });
    await collectGarbage(context);
    const cold = await call('getVolume', url);
    await collectGarbage(context);
    const decoded = await call('getVolume', url);
    await call('destroy');
    await call('open', `ready-${++partition}`, { keepDecoded: false });
    await call('getVolume', url);
    await collectGarbage(context);
    const compressed = await call('getVolume', url);
    await call('destroy');
    if (cold.from !== 'decode' || decoded.from !== 'disk' || compressed.from !== 'decode') throw new Error(`unexpected sources ${cold.from}/${decoded.from}/${compressed.from}`);
    if (keep) {
      samples.niivue.push(niivue.ms);
      samples.cold.push(cold.ms);
      samples.decoded.push(decoded.ms);
      samples.compressed.push(compressed.ms);
    }
    log(`${volume.label} run ${run}: niivue ${fmt(niivue.ms)}, cold ${fmt(cold.ms)}, warm compressed ${fmt(compressed.ms)}, warm decoded ${fmt(decoded.ms)}`);
  }
  const n = median(samples.niivue);
  rows.push(`| ${volume.label} (${(gz.get(url).length / MiB).toFixed(1)} MiB gzipped, ${voxelMiB.toFixed(0)} MiB voxels) | ${fmt(n)} | ${fmt(median(samples.cold))} (${(median(samples.cold) / n).toFixed(2)}×) | ${fmt(median(samples.compressed))} (${(median(samples.compressed) / n).toFixed(2)}×) | ${fmt(median(samples.decoded))} (${(median(samples.decoded) / n).toFixed(2)}×) |`);
}

// Encrypted against plain: a 200 MB generated .nii.
const plainUrl = '/gen/3052-7.nii';
const expected = await generated.generatedVolumeSha256(3052, 7);
const encryptionRows = [];
const results = {};
for (const encrypted of [false, true]) {
  const cold = [];
  const warm = [];
  for (let run = 0; run <= runs; run++) {
    await call('open', `sealed-${++partition}`, { encrypted });
    await collectGarbage(context);
    const got = await call('coldGet', plainUrl);
    if (got.sha256 !== expected) throw new Error(`wrong bytes (${encrypted ? 'encrypted' : 'plain'})`);
    await collectGarbage(context);
    const read = await call('warmArrayBuffer', plainUrl);
    await call('destroy');
    if (run > 0) {
      cold.push(got.ms);
      warm.push(read.ms);
    }
    log(`200 MB ${encrypted ? 'encrypted' : 'plain'} run ${run}: cold ${fmt(got.ms)}, warm ${fmt(read.ms)}`);
  }
  results[encrypted ? 'encrypted' : 'plain'] = { cold: median(cold), warm: median(warm) };
}
const decryptOnly = [];
for (let run = 0; run <= runs; run++) {
  await collectGarbage(context);
  const { ms } = await call('webCryptoDecrypt', 200_000_000);
  if (run > 0) decryptOnly.push(ms);
  log(`200 MB WebCrypto AES-GCM decryption alone, run ${run}: ${fmt(ms)}`);
}
results.decryptOnly = median(decryptOnly);
const mibps = (ms) => (200_000_000 / MiB / (ms / 1000)).toFixed(0);
encryptionRows.push(`| cold get (download, hash, write) | ${fmt(results.plain.cold)} (${mibps(results.plain.cold)} MiB/s) | ${fmt(results.encrypted.cold)} (${mibps(results.encrypted.cold)} MiB/s) | ${(results.encrypted.cold / results.plain.cold).toFixed(2)}× |`);
encryptionRows.push(`| WebCrypto AES-GCM decryption alone (1 MiB calls, 8 in flight, no storage): the floor of any WebCrypto design | | ${fmt(results.decryptOnly)} (${mibps(results.decryptOnly)} MiB/s) | so the warm ratio cannot go below ${(results.decryptOnly / results.plain.warm).toFixed(2)}× here |`);
encryptionRows.push(`| warm getArrayBuffer | ${fmt(results.plain.warm)} | ${fmt(results.encrypted.warm)} | ${(results.encrypted.warm / results.plain.warm).toFixed(2)}× (target < 1.5×: ${results.encrypted.warm / results.plain.warm < 1.5 ? 'met' : '**missed**'}) |`);

const report = `# Ready-to-render and encryption, ${new Date().toISOString()}

${chromium.version()}; ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}); medians of ${runs} runs after a warm-up.

## Time to ready voxels (.nii.gz, int16)

| volume | NiiVue-style: fetch + gunzip every open | getVolume cold (network + gunzip + parse + store) | warm, compressed only (OPFS + gunzip + parse) | warm, decoded copy (OPFS read of voxels) |
| --- | --- | --- | --- | --- |
${rows.join('\n')}

## Encrypted against plain (200 MB .nii)

| | plain | encrypted | ratio |
| --- | --- | --- | --- |
${encryptionRows.join('\n')}
`;
process.stdout.write(report);
await mkdir(join(repoRoot, 'test/bench/results'), { recursive: true });
await writeFile(join(repoRoot, `test/bench/results/ready-${new Date().toISOString().replace(/[:.]/g, '-')}.md`), report);
await chromium.close();
await server.close();
