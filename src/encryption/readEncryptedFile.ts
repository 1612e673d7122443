import { VolumeCacheError } from '../errors';
import { CHUNK_PLAINTEXT_BYTES, chunkPlacement, chunksCovering, decodeHeader, HEADER_BYTES, storedSize, type ChunkPlacement } from './chunkFormat';
import { openChunk } from './sealChunk';
import { readWholeBlob, SLICE_BYTES } from '../shared/volumeBuffer';

async function fileIdOf(stored: Blob): Promise<Uint8Array> {
  const fileId = decodeHeader(new Uint8Array(await stored.slice(0, HEADER_BYTES).arrayBuffer()));
  if (!fileId) throw new VolumeCacheError('corrupt', 'The stored file is not an encrypted volume-cache file (bad header).');
  return fileId;
}

/**
 * Plaintext bytes start..end (inclusive) of an encrypted file of
 * `plainBytes`, as a stream that decrypts only the chunks it covers, one at a
 * time: a 1 MiB range of a 1 GB volume reads and decrypts about 2 MiB.
 */
export function decryptRange(stored: Blob, key: CryptoKey, plainBytes: number, start: number, end: number): ReadableStream<Uint8Array> {
  if (stored.size !== storedSize(plainBytes)) {
    return new ReadableStream({
      start: (controller) => controller.error(wrongSize(stored.size, plainBytes)),
    });
  }
  // An empty file still has its one (empty, last) chunk, which must authenticate.
  const chunks = plainBytes === 0 ? [chunkPlacement(0, 0)] : end >= start ? chunksCovering(start, end, plainBytes) : [];
  let next = 0;
  let fileId: Uint8Array | null = null;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const chunk = chunks[next++];
        if (!chunk) return controller.close();
        fileId ??= await fileIdOf(stored);
        const sealed = new Uint8Array(await stored.slice(chunk.storedOffset, chunk.storedOffset + chunk.storedLength).arrayBuffer());
        const plaintext = await openChunk(key, fileId, chunk.index, chunk.last, sealed);
        const from = Math.max(start, chunk.plainOffset) - chunk.plainOffset;
        const to = Math.min(end, chunk.plainOffset + chunk.plainLength - 1) - chunk.plainOffset + 1;
        controller.enqueue(plaintext.subarray(from, to));
      },
    },
    { highWaterMark: 1 },
  );
}

/** Chunks decrypted at once: WebCrypto runs off the calling thread, so several keep more than one core busy. */
const PARALLEL_CHUNKS = 8;

/**
 * The whole plaintext in one buffer, every chunk authenticated. The stored
 * file is read into one buffer (in slices) and its chunks decrypted in place
 * several at a time, which is several times faster than a chunk-by-chunk
 * stream. `unsupported` where the platform cannot hand out a buffer that
 * large (see decryptToBlob).
 */
export async function decryptAll(stored: Blob, key: CryptoKey, plainBytes: number): Promise<ArrayBuffer> {
  if (stored.size !== storedSize(plainBytes)) throw wrongSize(stored.size, plainBytes);
  return decryptInPlace(await readWholeBlob(stored), key, plainBytes);
}

/**
 * The whole plaintext as a Blob, every chunk authenticated, never in one
 * buffer: the stored file is read SLICE_BYTES of chunks at a time, each
 * slice decrypted in place as decryptAll does. A volume larger than one
 * ArrayBuffer can be (2 GiB in Chromium) opens this way.
 */
export async function decryptToBlob(stored: Blob, key: CryptoKey, plainBytes: number, type = ''): Promise<Blob> {
  if (stored.size !== storedSize(plainBytes)) throw wrongSize(stored.size, plainBytes);
  const fileId = await fileIdOf(stored);
  const chunks = allChunks(plainBytes);
  const slices: ChunkPlacement[][] = [];
  for (let first = 0; first < chunks.length; first += CHUNKS_PER_SLICE) slices.push(chunks.slice(first, first + CHUNKS_PER_SLICE));
  const read = (slice: ChunkPlacement[]): Promise<ArrayBuffer> => stored.slice(slice[0]!.storedOffset, storedEnd(slice)).arrayBuffer();
  const parts: Uint8Array<ArrayBuffer>[] = [];
  // The next slice is read while this one decrypts: two slices in memory at most.
  let reading = read(slices[0]!);
  for (let index = 0; index < slices.length; index++) {
    const slice = slices[index]!;
    const sealed = new Uint8Array(await reading);
    const next = slices[index + 1];
    if (next) reading = read(next);
    const [head, tail] = [slice[0]!, slice[slice.length - 1]!];
    await openChunksInPlace(sealed, key, fileId, slice, { stored: head.storedOffset, plain: head.plainOffset });
    parts.push(sealed.subarray(0, tail.plainOffset + tail.plainLength - head.plainOffset));
  }
  return new Blob(parts, { type });
}

/** How many chunks decryptToBlob reads at a time: about SLICE_BYTES of them. */
const CHUNKS_PER_SLICE = Math.max(1, Math.floor(SLICE_BYTES / CHUNK_PLAINTEXT_BYTES));

function storedEnd(chunks: ChunkPlacement[]): number {
  const last = chunks[chunks.length - 1]!;
  return last.storedOffset + last.storedLength;
}

/**
 * Decrypts a whole stored file held in `sealed` into that same buffer and
 * returns it cut to the plaintext (`sealed` is detached). No second buffer
 * the size of the volume is allocated: filling fresh memory costs as much as
 * a fifth of the decryption.
 */
export async function decryptInPlace(sealed: ArrayBuffer, key: CryptoKey, plainBytes: number): Promise<ArrayBuffer> {
  if (sealed.byteLength !== storedSize(plainBytes)) throw wrongSize(sealed.byteLength, plainBytes);
  const bytes = new Uint8Array(sealed);
  const fileId = decodeHeader(bytes.slice(0, HEADER_BYTES));
  if (!fileId) throw new VolumeCacheError('corrupt', 'The stored file is not an encrypted volume-cache file (bad header).');
  await openChunksInPlace(bytes, key, fileId, allChunks(plainBytes), { stored: 0, plain: 0 });
  return truncate(sealed, plainBytes);
}

/**
 * Opens consecutive sealed `chunks`, held in `bytes` from stored offset
 * `base.stored` on, leaving their plaintext in `bytes` from plaintext offset
 * `base.plain` on (the first chunk's offsets, or 0 and 0 for a whole file,
 * whose header the plaintext then overwrites). In place is
 * safe because a chunk's plaintext lands at or before its own sealed bytes,
 * never on a later chunk's, and WebCrypto copies a chunk's input when
 * decrypt() is called, which happens in chunk order.
 */
async function openChunksInPlace(
  bytes: Uint8Array,
  key: CryptoKey,
  fileId: Uint8Array,
  chunks: ChunkPlacement[],
  base: { stored: number; plain: number },
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const at = chunk.storedOffset - base.stored;
      const opened = await openChunk(key, fileId, chunk.index, chunk.last, bytes.subarray(at, at + chunk.storedLength));
      bytes.set(opened, chunk.plainOffset - base.plain);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, lane));
}

/** Every chunk of a file of `plainBytes`; an empty file still has its one (empty, last) chunk, which must authenticate. */
function allChunks(plainBytes: number): ChunkPlacement[] {
  return plainBytes === 0 ? [chunkPlacement(0, 0)] : chunksCovering(0, plainBytes - 1, plainBytes);
}

function wrongSize(actual: number, plainBytes: number): VolumeCacheError {
  return new VolumeCacheError('corrupt', `The stored file has ${actual} bytes; ${storedSize(plainBytes)} were expected.`);
}

/** ArrayBuffer.prototype.transfer (ES2024) shortens in place where the browser has it; else a copy. */
function truncate(buffer: ArrayBuffer, length: number): ArrayBuffer {
  const transfer = (buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer;
  return typeof transfer === 'function' ? transfer.call(buffer, length) : buffer.slice(0, length);
}
