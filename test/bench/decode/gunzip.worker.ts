/// <reference lib="webworker" />
// Runs in a dedicated module worker, where the cache engine decodes: every
// variant streams the same Blob, inflates it, and feeds the decompressed
// chunks to the same NiftiVoxelCollector, so only the inflater differs.

import { Gunzip } from 'fflate';
import { NiftiVoxelCollector } from '../../../src/nifti/NiftiVoxelCollector';
import { crc32 } from './crc32';
import { generateHeadVolume, generateLabelVolume } from './generatedVolumes';
import type { BenchConfig, BenchResult, BenchRow, FromWorker } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (msg: FromWorker) => self.postMessage(msg);
const log = (text: string) => post({ type: 'log', text });

interface DecodeOutcome {
  voxels: ArrayBuffer;
  decompressedBytes: number;
}

type Variant = { name: string; decode: (blob: Blob) => Promise<DecodeOutcome> };

async function viaDecompressionStream(blob: Blob): Promise<DecodeOutcome> {
  const collector = new NiftiVoxelCollector();
  const reader = blob.stream().pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>).getReader();
  let decompressedBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    decompressedBytes += value.byteLength;
    collector.push(value);
  }
  return { voxels: collector.finish().voxels, decompressedBytes };
}

/** fflate re-buffers its input per push; also try feeding it larger pieces than Blob.stream() yields. */
const FFLATE_BATCH_BYTES = 1 << 20;

function viaFflate(checkCrc: boolean, batch = false): (blob: Blob) => Promise<DecodeOutcome> {
  return async (blob) => {
    const collector = new NiftiVoxelCollector();
    let decompressedBytes = 0;
    let crc = 0;
    const gunzip = new Gunzip((chunk) => {
      decompressedBytes += chunk.byteLength;
      if (checkCrc) crc = crc32(crc, chunk);
      collector.push(chunk);
    });
    const reader = blob.stream().getReader();
    const pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length === 1) gunzip.push(pending[0]!);
      else if (pending.length > 1) {
        const joined = new Uint8Array(pendingBytes);
        let at = 0;
        for (const piece of pending) {
          joined.set(piece, at);
          at += piece.byteLength;
        }
        gunzip.push(joined);
      }
      pending.length = 0;
      pendingBytes = 0;
    };
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunkSizes.add(value.byteLength);
      if (!batch) {
        gunzip.push(value);
        continue;
      }
      pending.push(value);
      pendingBytes += value.byteLength;
      if (pendingBytes >= FFLATE_BATCH_BYTES) flush();
    }
    flush();
    gunzip.push(new Uint8Array(0), true);
    if (checkCrc) {
      // Single-member gzip: CRC-32 and ISIZE (mod 2^32) in the last 8 bytes.
      const trailer = new DataView(await blob.slice(-8).arrayBuffer());
      if (trailer.getUint32(0, true) !== crc || trailer.getUint32(4, true) !== decompressedBytes % 2 ** 32) throw new Error('gzip CRC-32 or length mismatch');
    }
    return { voxels: collector.finish().voxels, decompressedBytes };
  };
}

/** Sizes of the chunks Blob.stream() produced, reported once. */
const chunkSizes = new Set<number>();

const variants: Variant[] = [
  { name: 'DecompressionStream', decode: viaDecompressionStream },
  { name: 'fflate Gunzip (no CRC check)', decode: viaFflate(false) },
  { name: 'fflate Gunzip, 1 MiB pushes (no CRC check)', decode: viaFflate(false, true) },
  { name: 'fflate Gunzip + CRC-32 check', decode: viaFflate(true) },
];

async function sha256Hex(buffer: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', buffer);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Small files finish in a millisecond or two: repeat them so each timed run lasts long enough to measure. */
function repeatsFor(decompressedBytes: number): number {
  return Math.max(1, Math.min(200, Math.round((32 * 2 ** 20) / decompressedBytes)));
}

async function measure(config: BenchConfig): Promise<BenchResult> {
  const inputs: { name: string; blob: Blob }[] = [];
  for (const sample of config.samples) {
    const response = await fetch(`/data/nifti/${sample}`);
    if (!response.ok) throw new Error(`GET /data/nifti/${sample}: ${response.status}`);
    inputs.push({ name: sample, blob: await response.blob() });
  }
  log(`generating and gzipping two ${config.generatedMiB} MiB volumes with CompressionStream...`);
  for (const generated of [await generateHeadVolume(config.generatedMiB), await generateLabelVolume(config.generatedMiB)]) {
    log(`  ${generated.name}: ${(generated.blob.size / 2 ** 20).toFixed(1)} MiB gzipped`);
    inputs.push(generated);
  }

  const rows: BenchRow[] = [];
  const mismatches: string[] = [];
  for (const input of inputs) {
    const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    const digests = new Map<string, string>();
    let decompressedBytes = 0;
    // Warm-up (also checks every variant decodes the same voxels).
    for (const variant of variants) {
      const outcome = await variant.decode(input.blob);
      decompressedBytes = outcome.decompressedBytes;
      digests.set(variant.name, await sha256Hex(outcome.voxels));
    }
    const reference = digests.get(variants[0]!.name);
    for (const [name, digest] of digests) if (digest !== reference) mismatches.push(`${input.name}: ${name} ${digest} != ${reference}`);
    const repeats = repeatsFor(decompressedBytes);
    for (let round = 0; round < config.runs; round++) {
      // Interleave variants and rotate their order so drift (GC, thermal) is shared.
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(i + round) % variants.length]!;
        const start = performance.now();
        for (let r = 0; r < repeats; r++) await variant.decode(input.blob);
        times.get(variant.name)!.push((performance.now() - start) / repeats);
      }
    }
    for (const variant of variants) {
      const ms = times.get(variant.name)!;
      const medianMs = median(ms);
      rows.push({
        input: input.name,
        compressedBytes: input.blob.size,
        decompressedBytes,
        variant: variant.name,
        medianMs,
        minMs: Math.min(...ms),
        maxMs: Math.max(...ms),
        medianMiBs: decompressedBytes / 2 ** 20 / (medianMs / 1000),
      });
    }
    log(`  ${input.name}: ${variants.map((v) => `${v.name} ${rows.find((r) => r.input === input.name && r.variant === v.name)!.medianMiBs.toFixed(0)} MiB/s`).join(', ')}`);
  }

  const badCrc: Record<string, string> = {};
  const damaged = await (await fetch('/data/bad/bad_crc.nii.gz')).blob();
  for (const variant of variants) {
    try {
      await variant.decode(damaged);
      badCrc[variant.name] = 'decoded without error (damage not detected)';
    } catch (error) {
      badCrc[variant.name] = `rejected: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  log(`Blob.stream() chunk sizes seen: ${[...chunkSizes].sort((a, b) => b - a).slice(0, 5).join(', ')} ...`);
  return { config, userAgent: navigator.userAgent, hardwareConcurrency: navigator.hardwareConcurrency, rows, mismatches, badCrc };
}

self.onmessage = (event: MessageEvent<BenchConfig>) => {
  measure(event.data).then(
    (result) => post({ type: 'result', result }),
    (error: unknown) => post({ type: 'error', text: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
};
