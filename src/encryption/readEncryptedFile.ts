import { VolumeCacheError } from '../errors';
import { chunkPlacement, chunksCovering, decodeHeader, HEADER_BYTES, storedSize } from './chunkFormat';
import { openChunk } from './sealChunk';
import { readWholeBlob } from '../shared/volumeBuffer';

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
      start: (controller) => controller.error(new VolumeCacheError('corrupt', `The stored file has ${stored.size} bytes; ${storedSize(plainBytes)} were expected.`)),
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
 * file is read in one go and its chunks decrypted several at a time, which
 * is several times faster than a chunk-by-chunk stream.
 */
export async function decryptAll(stored: Blob, key: CryptoKey, plainBytes: number): Promise<ArrayBuffer> {
  if (stored.size !== storedSize(plainBytes)) throw new VolumeCacheError('corrupt', `The stored file has ${stored.size} bytes; ${storedSize(plainBytes)} were expected.`);
  return decryptInPlace(await readWholeBlob(stored), key, plainBytes);
}

/**
 * Decrypts a whole stored file held in `sealed` into that same buffer and
 * returns it cut to the plaintext (`sealed` is detached). No second buffer
 * the size of the volume is allocated: filling fresh memory costs as much as
 * a fifth of the decryption. In place is safe because a chunk's plaintext
 * lands at or before its own sealed bytes, never on a later chunk's, and
 * WebCrypto copies a chunk's input when decrypt() is called, which happens
 * in chunk order.
 */
export async function decryptInPlace(sealed: ArrayBuffer, key: CryptoKey, plainBytes: number): Promise<ArrayBuffer> {
  if (sealed.byteLength !== storedSize(plainBytes)) throw new VolumeCacheError('corrupt', `The stored file has ${sealed.byteLength} bytes; ${storedSize(plainBytes)} were expected.`);
  const bytes = new Uint8Array(sealed);
  const fileId = decodeHeader(bytes.slice(0, HEADER_BYTES));
  if (!fileId) throw new VolumeCacheError('corrupt', 'The stored file is not an encrypted volume-cache file (bad header).');
  const chunks = plainBytes === 0 ? [chunkPlacement(0, 0)] : chunksCovering(0, plainBytes - 1, plainBytes);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < chunks.length) {
      const chunk = chunks[next++]!;
      const opened = await openChunk(key, fileId, chunk.index, chunk.last, bytes.subarray(chunk.storedOffset, chunk.storedOffset + chunk.storedLength));
      bytes.set(opened, chunk.plainOffset);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL_CHUNKS, chunks.length) }, lane));
  return truncate(sealed, plainBytes);
}

/** ArrayBuffer.prototype.transfer (ES2024) shortens in place where the browser has it; else a copy. */
function truncate(buffer: ArrayBuffer, length: number): ArrayBuffer {
  const transfer = (buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer }).transfer;
  return typeof transfer === 'function' ? transfer.call(buffer, length) : buffer.slice(0, length);
}
