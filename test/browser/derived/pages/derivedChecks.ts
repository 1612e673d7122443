// Page-side helpers for test/browser/derived/*.test.ts, imported in the page
// with window.importModule('/test/browser/derived/pages/derivedChecks.ts').
// The reference side only: it decodes with nifti-reader-js and checks PNGs
// with the platform, and never imports src/derived, so it cannot share a bug
// with the code under test.

import { createSHA256 } from 'hash-wasm';
import { decompress, isCompressed, readHeader, readImage } from 'nifti-reader-js';
import { buildNiftiHeader } from '../../../unit/derived/support/buildNiftiFile';
import type { FromDerivedWorker, ToDerivedWorker } from './derivedWorkerProtocol';

async function sha256Hex(data: ArrayBuffer | Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Converts a copy of file-order voxel bytes to this platform's order, value by
 * value through DataView (independent of src/nifti/swapBytesInPlace).
 */
function toPlatformOrder(bytes: ArrayBuffer, unitBytes: number, fileLittleEndian: boolean): ArrayBuffer {
  const out = bytes.slice(0);
  const platformLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  if (unitBytes <= 1 || fileLittleEndian === platformLittleEndian) return out;
  const from = new DataView(bytes);
  const to = new DataView(out);
  for (let at = 0; at + unitBytes <= bytes.byteLength; at += unitBytes) {
    for (let k = 0; k < unitBytes; k++) to.setUint8(at + k, from.getUint8(at + unitBytes - 1 - k));
  }
  return out;
}

export interface ReferenceDecode {
  /** SHA-256 of readImage()'s bytes, converted to the platform's byte order. */
  readImageSha256: string;
  readImageBytes: number;
  /** SHA-256 of the raw bytes from vox_offset for `voxelBytes` (platform order), for files readImage gets wrong. */
  rawVoxelsSha256: string;
  /** SHA-256 of the first readImageBytes of those raw bytes (platform order). */
  rawPrefixSha256: string;
  littleEndian: boolean;
  bitsPerVoxel: number;
}

/** nifti-reader-js's own decode of a file: decompress, readHeader, readImage. */
export async function referenceDecode(url: string, voxelBytes: number, unitBytes: number): Promise<ReferenceDecode> {
  let data = await (await fetch(url)).arrayBuffer();
  if (isCompressed(data)) data = decompress(data) as ArrayBuffer;
  const header = readHeader(data);
  const image = readImage(header, data);
  const raw = data.slice(header.vox_offset, header.vox_offset + voxelBytes);
  const order = (bytes: ArrayBuffer) => toPlatformOrder(bytes, unitBytes, header.littleEndian);
  return {
    readImageSha256: await sha256Hex(order(image)),
    readImageBytes: image.byteLength,
    rawVoxelsSha256: await sha256Hex(order(raw)),
    rawPrefixSha256: await sha256Hex(order(raw.slice(0, image.byteLength))),
    littleEndian: header.littleEndian,
    bitsPerVoxel: header.numBitsPerVoxel,
  };
}

export interface PngFacts {
  signature: number[];
  width: number;
  height: number;
  /** Distinct grey levels among the decoded pixels. */
  distinctGreys: number;
  /** Mean grey of the top and bottom halves (orientation checks). */
  meanTop: number;
  meanBottom: number;
}

/** Decodes a PNG with createImageBitmap and reads its pixels back. */
export async function describePng(png: Blob): Promise<PngFacts> {
  const signature = Array.from(new Uint8Array(await png.slice(0, 8).arrayBuffer()));
  const bitmap = await createImageBitmap(png);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(bitmap, 0, 0);
  const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  const greys = new Set<number>();
  let top = 0;
  let bottom = 0;
  const half = Math.floor(bitmap.height / 2);
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      const grey = data[(y * bitmap.width + x) * 4]!;
      greys.add(grey);
      if (y < half) top += grey;
      else if (y >= bitmap.height - half) bottom += grey;
    }
  }
  const perHalf = Math.max(1, half * bitmap.width);
  return { signature, width: bitmap.width, height: bitmap.height, distinctGreys: greys.size, meanTop: top / perHalf, meanBottom: bottom / perHalf };
}

export interface GeneratedGzip {
  blob: Blob;
  voxelBytes: number;
  voxelSha256: string;
}

const SIDE = 256;
const SLICES_PER_CHUNK = 8;

/**
 * A large uint8 label-map .nii.gz (256 x 256 x slices, like a segmentation),
 * generated chunk by chunk straight into the browser's CompressionStream and
 * hashed on the way, so its raw bytes are never held: only the small gzip
 * Blob stays, and a memory measurement afterwards starts from a clean heap.
 */
export async function generateLabelNiiGz(slices: number): Promise<GeneratedGzip> {
  const header = buildNiftiHeader({ dims: [SIDE, SIDE, slices], datatypeCode: 2, bitPix: 8, description: 'generated labels' });
  const hasher = await createSHA256();
  hasher.init();
  let z = 0;
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    start(controller) {
      controller.enqueue(header);
    },
    pull(controller) {
      if (z >= slices) {
        controller.close();
        return;
      }
      const count = Math.min(SLICES_PER_CHUNK, slices - z);
      const chunk = new Uint8Array(count * SIDE * SIDE);
      for (let n = 0; n < count; n++, z++) {
        for (let y = 0; y < SIDE; y++) {
          for (let x = 0; x < SIDE; x++) {
            const dx = (x - 128) / 100;
            const dy = (y - 128) / 120;
            const dz = (z - slices / 2) / (slices / 2.2);
            const inside = dx * dx + dy * dy + dz * dz < 1;
            chunk[(n * SIDE + y) * SIDE + x] = inside ? 1 + (((x >> 5) + (y >> 5) + (z >> 4)) % 4) : 0;
          }
        }
      }
      hasher.update(chunk);
      controller.enqueue(chunk);
    },
  });
  const blob = await new Response(source.pipeThrough(new CompressionStream('gzip'))).blob();
  return { blob, voxelBytes: SIDE * SIDE * slices, voxelSha256: hasher.digest('hex') };
}

/** SHA-256 without the whole-input copy WebCrypto makes (so it can run while memory is watched). */
export async function streamingSha256(buffer: ArrayBuffer): Promise<string> {
  const hasher = await createSHA256();
  hasher.init();
  const bytes = new Uint8Array(buffer);
  for (let at = 0; at < bytes.byteLength; at += 1 << 20) hasher.update(bytes.subarray(at, at + (1 << 20)));
  return hasher.digest('hex');
}

/** Runs decode + thumbnail in a dedicated module worker, as the engine would. */
export function decodeInWorker(message: ToDerivedWorker): Promise<FromDerivedWorker> {
  const worker = new Worker(new URL('./derived.worker.ts', import.meta.url), { type: 'module' });
  return new Promise<FromDerivedWorker>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<FromDerivedWorker>) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(`worker error: ${event.message || 'failed to load'}`));
    worker.postMessage(message);
  }).finally(() => worker.terminate());
}
