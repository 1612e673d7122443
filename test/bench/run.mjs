#!/usr/bin/env node
// `npm run bench`: volume-cache measured side by side with what the platform
// can do at best (limits) and with the other ways to keep a volume (peers),
// in headless Chromium against the local volume server. See test/bench/README.md.
//
//   npm run bench                       10 MB, 50 MB, 200 MB, 1 GB; unthrottled, 1 Gbit/s, 100 Mbit/s
//   npm run bench -- --quick            10 and 50 MB, 3 runs, unthrottled only
//   npm run bench -- --sizes 10,50 --runs 7
//
// Benchmarks report numbers: the exit code is 0 unless something crashed or
// bytes were wrong (every cold download's SHA-256 is checked against the server's).

import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, runnerImport } from 'vite';
import { parseArgs, RATES, sizeLabel, USAGE } from './lib/args.mjs';
import { CHROMIUM_ARGS, collectGarbage, launchBenchChromium } from './lib/chromium.mjs';
import { measureCpu } from './lib/cpuLoad.mjs';
import { chromiumProcesses, findBrowserProcess, watchMemory } from './lib/processMemory.mjs';
import { renderReport } from './lib/report.mjs';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const SEED = 7;
const MiB = 1 << 20;
/** A round estimated longer than this skips its warm-up: the smaller sizes already warmed every code path. */
const WARMUP_SKIP_S = 20;
/** Seconds of timed rounds per phase and size (scaled by --budget); long cases get fewer runs than --runs, never fewer than 1. */
const BUDGET_S = { U: 200, X: 120, W: 60, S: 60, T: 150 };
const MIRROR_VARIANTS = ['byob', 'coalesce', 'parallel-hash', 'stall-timeout'];

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const log = (text) => process.stderr.write(`${text}\n`);
const started = performance.now();
const clock = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const errors = [];
const fail = (message) => {
  errors.push(message);
  log(`  !! ${message}`);
};
const check = (ok, message) => {
  if (!ok) fail(message);
};
const clamp = (value, low, high) => Math.max(low, Math.min(high, value));
const fmtMs = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`);

const startedAt = new Date();
const load = async (path) => (await runnerImport(join(repoRoot, path))).module;
const { testServerPlugin } = await load('test/server/testServerPlugin.ts');
const { serviceWorkerScriptPlugin } = await load('test/server/serviceWorkerScript.ts');
const generated = await load('test/server/generatedVolume.ts');
const { sharedDataDir } = await load('test/support/repoPaths.ts');

const volumes = [];
for (const slices of options.sizes) {
  const label = sizeLabel(slices);
  log(`[${clock()}] server-side SHA-256 of the ${label} volume…`);
  volumes.push({
    slices,
    label,
    bytes: generated.generatedVolumeBytes(slices),
    sha256: await generated.generatedVolumeSha256(slices, SEED),
    path: `/gen/${slices}-${SEED}.nii`,
  });
}
const largest = volumes[volumes.length - 1];

const server = await createServer({
  configFile: false,
  root: repoRoot,
  cacheDir: join(repoRoot, 'node_modules/.vite-bench'),
  logLevel: 'warn',
  clearScreen: false,
  plugins: [testServerPlugin({ keepGeneratedBytes: true }), serviceWorkerScriptPlugin()],
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    port: 0,
    strictPort: false,
    fs: { allow: [repoRoot, sharedDataDir] },
    hmr: false,
    watch: null,
    // Cross-origin isolation gives performance.now() 5 µs steps instead of
    // 100 µs, which the per-chunk step times of the cold-path breakdown need.
    headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' },
  },
  optimizeDeps: { include: ['idb', 'comlink', 'nifti-reader-js', 'hash-wasm', 'workbox-window'], noDiscovery: true },
});
await server.listen();
const origin = `http://127.0.0.1:${server.httpServer.address().port}`;

const chromium = await launchBenchChromium('volumes');
const { context, executablePath, userDataDir } = chromium;
let crashed = null;

async function cleanup() {
  await chromium.close();
  await server.close().catch(() => undefined);
}

/** Rejects if `promise` takes longer than `ms` (a hung browser must not hang the run). */
function within(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${(ms / 1000).toFixed(0)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function openPage(path, globalName) {
  const page = await context.newPage();
  page.on('pageerror', (error) => log(`  pageerror on ${path}: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') log(`  console.error on ${path}: ${message.text()}`);
  });
  page.on('crash', () => {
    crashed = `the page ${path} crashed`;
  });
  await page.goto(`${origin}${path}`);
  await page.waitForFunction((name) => window[name] !== undefined, globalName, { timeout: 120_000 });
  if (globalName === 'swBench') await within(page.evaluate(() => window.swBench.ready), 120_000, `${path} service worker`);
  let bytes = 0;
  return {
    page,
    setBytes(value) {
      bytes = value;
    },
    call(name, ...args) {
      if (crashed) throw new Error(crashed);
      return within(
        page.evaluate(({ globalName, name, args }) => window[globalName].call(name, ...args), { globalName, name, args }),
        120_000 + bytes / 1000,
        `${path} ${name}`,
      );
    },
  };
}

async function serverGets(pathPrefix) {
  const response = await fetch(`${origin}/__test/requests?path=${encodeURIComponent(pathPrefix)}`);
  return (await response.json()).filter((record) => record.method === 'GET').length;
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).replace(/\n$/, '');
  } catch {
    return '';
  }
}

/** results[slices][caseId] = samples; memory[caseId] = reports (largest size only). */
const results = new Map(volumes.map((volume) => [volume.slices, {}]));
const memory = {};
const phases = new Map(volumes.map((volume) => [volume.slices, {}]));
const notes = new Map(volumes.map((volume) => [volume.slices, {}]));
const lastRound = {};

let main;
let swBare;
let swReal;
let browserPid;
try {
  main = await openPage('/test/bench/volumes/index.html', 'volumeBench');
  const workerInfo = await main.call('info');
  check((await main.call('cacheOpen', 'bench')) === 'opfs', 'volume-cache did not open in opfs mode');
  swBare = await openPage('/test/bench/volumes/sw-bare/', 'swBench');
  check((await swBare.call('controlled')) === true, 'the bare service worker does not control its page');
  swReal = await openPage('/test/bench/volumes/sw-real/', 'swBench');
  check(/volume-cache-sw\.js/.test((await swReal.call('controlled')) ?? ''), 'the volume-cache service worker does not control its page');
  browserPid = findBrowserProcess(userDataDir);

  const environment = {
    startedAt: startedAt.toISOString(),
    chromium: chromium.version(),
    executablePath,
    userAgent: workerInfo.userAgent,
    crossOriginIsolated: workerInfo.crossOriginIsolated,
    timerResolutionMs: workerInfo.timerResolutionMs,
    hardwareConcurrency: workerInfo.hardwareConcurrency,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryBytes: os.totalmem(),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    git: git(['rev-parse', '--short', 'HEAD']),
    dirtySources: git(['status', '--porcelain', '--', 'src']).split('\n').filter(Boolean),
    flags: CHROMIUM_ARGS,
    options,
  };
  log(`[${clock()}] ${environment.chromium}; ${environment.cpuModel}, ${environment.cores} cores; crossOriginIsolated=${workerInfo.crossOriginIsolated}`);

  for (const volume of volumes) {
    for (const page of [main, swBare, swReal]) page.setBytes(volume.bytes);
    await measureVolume(volume);
  }

  const report = renderReport({ environment, volumes, results, memory, phases, notes, largest, errors, wallSeconds: (performance.now() - started) / 1000 });
  console.log(report);
  const folder = join(repoRoot, 'test/bench/results');
  await mkdir(folder, { recursive: true });
  const file = join(folder, `${startedAt.toISOString().replace(/[:.]/g, '-')}.md`);
  await writeFile(file, report);
  log(`[${clock()}] report written to ${file.slice(repoRoot.length)}`);
} catch (error) {
  log(`bench crashed: ${error.stack ?? error}`);
  await cleanup();
  process.exit(1);
}
await cleanup();
if (errors.length > 0) {
  log(`${errors.length} correctness failure(s):\n  ${errors.join('\n  ')}`);
  process.exit(1);
}

// ---------------------------------------------------------------------------

function record(volume, id, sample) {
  const byCase = results.get(volume.slices);
  (byCase[id] ??= []).push(sample);
}

/** Runs `task` while watching memory, when `volume` is the largest size. */
async function watched(volume, id, task) {
  if (volume !== largest) return task();
  const watch = watchMemory(chromiumProcesses(browserPid));
  try {
    return await task();
  } finally {
    (memory[id] ??= []).push(watch.stop());
  }
}

/**
 * Runs the cases of one phase in rounds, rotating their order each round so
 * drift of this shared 2-core machine spreads over all of them. Round 0 is an
 * untimed warm-up unless the round is estimated long (see WARMUP_SKIP_S);
 * the number of timed rounds is --runs, fewer if the phase's budget says so.
 */
async function runPhase(volume, key, name, cases, aPrioriRoundS = null) {
  const budget = BUDGET_S[key.split(':')[0]] * options.budget;
  const previous = lastRound[key];
  let estimate = previous ? previous.seconds * (volume.bytes / previous.bytes) : aPrioriRoundS;
  if (previous && aPrioriRoundS !== null) estimate = Math.max(estimate, aPrioriRoundS);
  const warmUp = estimate === null || estimate <= WARMUP_SKIP_S;
  let runs = estimate === null ? options.runs : clamp(Math.floor(budget / estimate), 1, options.runs);
  const durations = [];
  const loads = [];
  const runRound = async (round, timed) => {
    const roundStarted = performance.now();
    const cpu = measureCpu([process.pid, browserPid]);
    for (let k = 0; k < cases.length; k++) {
      const item = cases[(k + round) % cases.length];
      const tag = timed ? `${round}/${runs}` : 'warm-up';
      await collectGarbage(context);
      await item((id, sample) => {
        if (timed) record(volume, id, sample);
        const rate = sample.bytes && sample.ms > 0 ? ` (${(sample.bytes / MiB / (sample.ms / 1000)).toFixed(1)} MiB/s)` : '';
        log(`[${clock()}] ${volume.label} ${name} ${tag} ${id}: ${fmtMs(sample.ms)}${rate}`);
      });
    }
    if (timed) loads.push(cpu.stop());
    return (performance.now() - roundStarted) / 1000;
  };
  if (warmUp) {
    const seconds = await runRound(0, false);
    runs = clamp(Math.floor(budget / seconds), 1, options.runs);
  }
  // Stop early when another round would overrun the budget by more than 10 % (the machine may be slower than estimated).
  for (let round = 1; round <= runs; round++) {
    durations.push(await runRound(round, true));
    const spent = durations.reduce((a, b) => a + b, 0);
    if (round < runs && spent + spent / round > budget * 1.1) {
      runs = round;
      break;
    }
  }
  const mean = durations.reduce((a, b) => a + b, 0) / durations.length;
  lastRound[key] = { seconds: mean, bytes: volume.bytes };
  const meanOf = (field) => loads.reduce((sum, load) => sum + load[field], 0) / loads.length;
  phases.get(volume.slices)[key] = { name, runs, warmUp, roundSeconds: mean, foreignCores: meanOf('foreignCores'), ownCores: meanOf('ownCores') };
}

async function drainInNode(url) {
  const reader = (await fetch(url, { cache: 'no-store' })).body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
  }
}

async function measureVolume(volume) {
  const url = `${origin}${volume.path}`;
  const note = notes.get(volume.slices);
  // The server keeps what it generates (keepGeneratedBytes): one untimed request produces it, so no case pays for generating.
  await drainInNode(url);
  // What the server (sharing the cores) delivers to a client that does nothing else: Node's fetch, drained.
  const serverStarted = performance.now();
  const served = await drainInNode(url);
  record(volume, 'limit.serverNode', { ms: performance.now() - serverStarted, bytes: served });
  log(`[${clock()}] ${volume.label} server → Node fetch, drained: ${fmtMs(performance.now() - serverStarted)}`);
  const expectBytes = (what, bytes) => check(bytes === volume.bytes, `${volume.label} ${what}: ${bytes} bytes, expected ${volume.bytes}`);
  const expectSha = (what, sha256) => check(sha256 === volume.sha256, `${volume.label} ${what}: SHA-256 ${sha256}, expected ${volume.sha256}`);
  const cold = (target, id) => async (done) => {
    const sample = await watched(volume, id, () => main.call('coldGet', target));
    await main.call('thumbnailsSettled');
    check(sample.status === 'miss', `${volume.label} ${id}: status ${sample.status}, expected miss`);
    expectBytes(id, sample.bytes);
    expectSha(id, sample.sha256);
    done(id, sample);
    await main.call('cacheClear');
  };
  const mirror = (variant, id, target = url) => async (done) => {
    const sample = await watched(volume, id, () => main.call('mirror', target, variant));
    expectBytes(id, sample.bytes);
    expectSha(id, sample.sha256);
    done(id, sample);
    await main.call('clearMirror');
  };
  const checked = (id, sample, done) => {
    expectBytes(id, sample.bytes);
    if (sample.sha256 !== undefined) expectSha(id, sample.sha256);
    done(id, sample);
  };
  const plain = (id, call, ...args) => async (done) => checked(id, await main.call(call, ...args), done);
  // A drain's memory is watched too: what reading a body at all costs is the floor under the cold path's.
  const drain = (id, call) => async (done) => checked(id, await watched(volume, id, () => main.call(call, url)), done);
  const storeRead = (id, call) => async (done) => {
    const sample = await main.call(call, url);
    expectBytes(id, sample.bytes);
    done(`${id}.store`, { ms: sample.storeMs, bytes: sample.bytes });
    done(`${id}.read`, { ms: sample.readMs, bytes: sample.bytes });
  };

  const phaseOn = (key) => options.phases.has(key);
  // U: unthrottled cold paths, limits and the store-then-read peers.
  if (phaseOn('U')) await runPhase(volume, 'U', 'unthrottled', [
    drain('limit.drain', 'drain'),
    drain('limit.drainByob', 'drainByob'),
    plain('limit.arrayBuffer', 'arrayBuffer', url),
    plain('limit.sha256', 'sha256', url),
    cold(url, 'vc.cold'),
    // The same download served with Cache-Control: no-store, for which Chromium's fetch() does not read ahead of a slower reader.
    cold(`${url}?cc=no-store`, 'vc.coldNoStore'),
    mirror('default', 'mirror.default'),
    storeRead('peer.cacheApi', 'cacheApi'),
    storeRead('peer.idb', 'indexedDb'),
  ]);

  // X: one change at a time on the mirror, to size the optimisations.
  if (options.experiments && phaseOn('X')) {
    await runPhase(volume, 'X', 'experiments', [mirror('default', 'x.default'), ...MIRROR_VARIANTS.map((variant) => mirror(variant, `x.${variant}`))]);
  }

  // W: warm reads of a stored volume.
  if (phaseOn('W')) {
    const stored = await main.call('coldGet', url);
    await main.call('thumbnailsSettled');
    check(stored.status === 'miss', `${volume.label} warm setup: status ${stored.status}`);
    expectSha('warm setup', stored.sha256);
    expectBytes('OPFS limit setup', await main.call('opfsStore', url, 'volume'));
    const httpPath = `${volume.path}?ttl=3600`;
    const httpBefore = await serverGets(httpPath);
    const first = await main.call('arrayBuffer', `${origin}${httpPath}`, 'default');
    expectBytes('HTTP cache first fetch', first.bytes);
    record(volume, 'peer.httpCache.first', first);
    expectSha('mirror setup', (await main.call('mirror', url, 'default')).sha256);
    await runPhase(volume, 'W', 'warm', [
      plain('mirror.warm', 'warmSteps', url),
      plain('limit.opfsRead', 'opfsRead', 'volume'),
      plain('vc.warmArrayBuffer', 'warmArrayBuffer', url),
      plain('vc.warmGetFile', 'warmGetFile', url),
      plain('peer.httpCache.repeat', 'arrayBuffer', `${origin}${httpPath}`, 'default'),
    ]);
    const httpRequests = (await serverGets(httpPath)) - httpBefore;
    const phaseW = phases.get(volume.slices).W;
    note.httpCache = { fetches: 1 + phaseW.runs + (phaseW.warmUp ? 1 : 0), reachedServer: httpRequests };
    await main.call('clearMirror');
    expectSha('warm getArrayBuffer', await main.call('warmArrayBufferSha256', url));
    check((await main.call('cacheStatus', url)) === 'hit', `${volume.label}: the warm entry is not a hit`);
    await main.call('cacheClear');
  }

  // S: service workers answering from OPFS.
  if (phaseOn('S')) {
    expectBytes('bare service worker setup', await swBare.call('store', url, 'volume'));
    const viaSw = await swReal.call('store', url);
    check(viaSw.status === 'miss', `${volume.label} service worker setup: status ${viaSw.status}`);
    expectSha('service worker setup', viaSw.sha256);
    const rangeStart = Math.floor(volume.bytes / 2);
    const networkBefore = await serverGets(volume.path);
    await runPhase(volume, 'S', 'service worker', [
      async (done) => {
        const sample = await swBare.call('full', 'volume');
        check(sample.status === 200, `${volume.label} bare service worker: status ${sample.status}`);
        expectBytes('bare service worker', sample.bytes);
        done('peer.swBare.full', sample);
      },
      async (done) => {
        const sample = await swReal.call('full', url);
        check(sample.status === 200 && sample.cacheHeader === 'hit', `${volume.label} service worker full: ${sample.status} ${sample.cacheHeader}`);
        expectBytes('service worker full', sample.bytes);
        done('vc.swFull', sample);
      },
    ]);
    // Ranges get a phase of their own: right after a whole 1 GB answer, a
    // 1 MiB range of either service worker took 11 to 85 ms, against 10 to
    // 16 ms back to back; what a viewer's ranges cost is the latter.
    await runPhase(volume, 'S:range', 'service worker ranges', [
      async (done) => {
        const sample = await swBare.call('range', 'volume', rangeStart, MiB);
        check(sample.status === 206 && sample.bytes === MiB, `${volume.label} bare service worker range: ${sample.status} ${sample.bytes} bytes`);
        done('peer.swBare.range', sample);
      },
      async (done) => {
        const sample = await swBare.call('fromMemory', MiB);
        check(sample.status === 206 && sample.bytes === MiB, `${volume.label} bare service worker from memory: ${sample.status} ${sample.bytes} bytes`);
        done('limit.swMemory', sample);
      },
      async (done) => {
        const sample = await swReal.call('range', url, rangeStart, MiB);
        check(sample.status === 206 && sample.cacheHeader === 'hit' && sample.bytes === MiB, `${volume.label} service worker range: ${sample.status} ${sample.cacheHeader} ${sample.bytes} bytes`);
        done('vc.swRange', sample);
      },
    ]);
    check((await serverGets(volume.path)) === networkBefore, `${volume.label}: a service-worker hit reached the server`);
    expectSha('service worker full', await swReal.call('fullSha256', url));
    await swReal.call('clear');
    await swBare.call('remove');
  }

  // T: throttled, the library's cold get against fetch → arrayBuffer() at the same rate.
  if (options.throttle && phaseOn('T')) {
    for (const [label, rate] of Object.entries(RATES)) {
      if (rate === null) continue;
      const throttled = `${url}?rate=${rate}`;
      // The mirror's breakdown at this rate too, unless that would add more than 5 s a run.
      const withMirror = volume.bytes / rate < 5;
      await runPhase(volume, `T:${label}`, label, [
        plain(`T:${label}.arrayBuffer`, 'arrayBuffer', throttled),
        cold(throttled, `T:${label}.vc.cold`),
        ...(withMirror ? [mirror('default', `T:${label}.mirror.default`, throttled)] : []),
      ], ((withMirror ? 3 : 2) * volume.bytes) / rate + 1);
    }
  }

  await main.call('clean');
  await main.call('cacheClear');
  note.usageAfterClean = await main.call('usage');
  log(`[${clock()}] ${volume.label} done; origin storage after cleaning: ${((note.usageAfterClean ?? 0) / MiB).toFixed(1)} MiB`);
}
