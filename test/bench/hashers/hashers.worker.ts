// Streaming SHA-256 benchmark, run inside a dedicated module Web Worker
// (the same kind of context the volume-cache download worker hashes in).
// Driven by compareHashers.mjs through main.ts; see that file for usage.

import { createSHA256 } from 'hash-wasm';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { BenchConfig, BenchResult, FromWorker, Row } from './protocol';

const MiB = 1024 * 1024;

interface StreamingHash {
  update(chunk: Uint8Array): void;
  digestHex(): string;
}

interface Candidate {
  name: string;
  /** Creates a fresh hashing state, as the library would once per download. */
  create(): Promise<StreamingHash>;
}

const candidates: Candidate[] = [
  {
    name: 'hash-wasm (WASM)',
    async create() {
      const h = await createSHA256(); // returned already init()-ed
      return { update: (c) => void h.update(c), digestHex: () => h.digest('hex') };
    },
  },
  {
    name: '@noble/hashes (JS)',
    async create() {
      const h = sha256.create();
      return { update: (c) => void h.update(c), digestHex: () => bytesToHex(h.digest()) };
    },
  },
];

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

function log(text: string): void {
  post({ type: 'log', text });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function toHex(buf: ArrayBuffer): string {
  return bytesToHex(new Uint8Array(buf));
}

/** Deterministic pseudo-random bytes (xorshift32), written 1 MiB at a time. */
function makeData(totalMiB: number): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(totalMiB * MiB);
  const words = new Uint32Array(data.buffer);
  let x = 0x9e3779b9;
  for (let chunk = 0; chunk < totalMiB; chunk++) {
    const end = ((chunk + 1) * MiB) / 4;
    for (let i = (chunk * MiB) / 4; i < end; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      words[i] = x >>> 0;
    }
  }
  return data;
}

/** Feeds `data` as consecutive views (no copies) of `chunkSize` bytes. */
async function hashChunked(c: Candidate, data: Uint8Array, chunkSize: number): Promise<string> {
  const h = await c.create();
  for (let off = 0; off < data.length; off += chunkSize) {
    h.update(data.subarray(off, off + chunkSize));
  }
  return h.digestHex();
}

/** Feeds `data` in deliberately awkward, non-block-aligned pieces. */
async function hashIrregular(c: Candidate, data: Uint8Array): Promise<string> {
  const sizes = [1, 63, 64, 65, 1000, 4095, 65_537, MiB - 3, 3 * MiB + 7];
  const h = await c.create();
  let off = 0;
  for (let i = 0; off < data.length; i++) {
    const n = sizes[i % sizes.length]!;
    h.update(data.subarray(off, off + n));
    off += n;
  }
  return h.digestHex();
}

interface Case {
  hasher: string;
  chunk: string;
  run: () => Promise<string>;
  ms: number[];
  digests: Set<string>;
}

/**
 * Round 0 is the warm-up; rounds 1..runs are timed. Every round runs every
 * case once, in an order rotated per round, so slow drift of a shared/noisy
 * machine spreads over all cases instead of penalising whichever runs last.
 */
async function runRounds(cases: Case[], runs: number): Promise<void> {
  for (let round = 0; round <= runs; round++) {
    const t0 = performance.now();
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + round) % cases.length]!;
      const start = performance.now();
      const hex = await c.run();
      if (round > 0) c.ms.push(performance.now() - start);
      c.digests.add(hex);
    }
    log(`${round === 0 ? 'warm-up round' : `round ${round}/${runs}`} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

function toRow(c: Case, totalMiB: number): Row {
  const rate = (t: number) => totalMiB / (t / 1000);
  return {
    hasher: c.hasher,
    chunk: c.chunk,
    medianMiBs: rate(median(c.ms)),
    minMiBs: rate(Math.max(...c.ms)),
    maxMiBs: rate(Math.min(...c.ms)),
    medianMs: median(c.ms),
  };
}

async function timeOnce<T>(fn: () => Promise<T> | T): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function bench(cfg: BenchConfig): Promise<BenchResult> {
  // Must come first: the very first createSHA256() compiles the WASM module.
  const hashWasmFirstCreateMs = await timeOnce(() => createSHA256());
  const later: number[] = [];
  for (let i = 0; i < 20; i++) later.push(await timeOnce(() => createSHA256()));
  const nobleCreate: number[] = [];
  for (let i = 0; i < 20; i++) nobleCreate.push(await timeOnce(() => sha256.create()));

  // Known-answer test: SHA-256("abc").
  const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
  const abc = new TextEncoder().encode('abc');
  const kat: Record<string, boolean> = {
    'WebCrypto': toHex(await crypto.subtle.digest('SHA-256', abc)) === ABC,
  };
  for (const c of candidates) kat[c.name] = (await hashChunked(c, abc, 1)) === ABC;

  const t0 = performance.now();
  const data = makeData(cfg.totalMiB);
  log(`generated ${cfg.totalMiB} MiB of pseudo-random data in ${(performance.now() - t0).toFixed(0)} ms`);

  const reference = toHex(await crypto.subtle.digest('SHA-256', data));
  const digestsBy: Record<string, string[]> = {};

  // Correctness under awkward, non-block-aligned splits (untimed).
  for (const c of candidates) {
    digestsBy[`${c.name} @ irregular chunks`] = [await hashIrregular(c, data)];
  }

  const cases: Case[] = candidates.flatMap((c) =>
    cfg.chunkSizes.map((chunk) => ({
      hasher: c.name,
      chunk: `${chunk / 1024} KiB`,
      run: () => hashChunked(c, data, chunk),
      ms: [],
      digests: new Set<string>(),
    })),
  );
  cases.push({
    hasher: 'WebCrypto subtle.digest (reference)',
    chunk: `whole ${cfg.totalMiB} MiB, not streaming`,
    run: async () => toHex(await crypto.subtle.digest('SHA-256', data)),
    ms: [],
    digests: new Set<string>(),
  });
  await runRounds(cases, cfg.runs);

  const rows = cases.map((c) => toRow(c, cfg.totalMiB));
  for (const c of cases) digestsBy[`${c.hasher} @ ${c.chunk}`] = [...c.digests];
  const mismatches = Object.entries(digestsBy)
    .filter(([, ds]) => ds.length !== 1 || ds[0] !== reference)
    .map(([label, ds]) => `${label}: ${ds.join(' / ')}`);

  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    config: cfg,
    rows,
    reference,
    digestCombinations: Object.keys(digestsBy).length,
    mismatches,
    kat,
    init: {
      hashWasmFirstCreateMs,
      hashWasmLaterCreateMedianMs: median(later),
      nobleCreateMedianMs: median(nobleCreate),
    },
  };
}

self.onmessage = (ev: MessageEvent<BenchConfig>) => {
  bench(ev.data).then(
    (result) => post({ type: 'result', result }),
    (err: unknown) => post({ type: 'error', text: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
};
