import { VolumeCacheError } from '../errors';
import { chunkPlacement, chunksCovering, decodeHeader, HEADER_BYTES, storedSize } from './chunkFormat';
import { openChunk } from './sealChunk';

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

/** The whole plaintext in one buffer (every chunk checked). */
export async function decryptAll(stored: Blob, key: CryptoKey, plainBytes: number): Promise<ArrayBuffer> {
  const buffer = new Uint8Array(plainBytes);
  const reader = decryptRange(stored, key, plainBytes, 0, plainBytes - 1).getReader();
  let offset = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer.set(value, offset);
    offset += value.byteLength;
  }
  if (offset !== plainBytes) throw new VolumeCacheError('corrupt', 'The encrypted file ended early.');
  return buffer.buffer;
}
