import type { ByteSink } from '../storage/ByteSink';
import { CHUNK_PLAINTEXT_BYTES, encodeHeader, HEADER_BYTES } from './chunkFormat';
import { sealChunk } from './sealChunk';

/**
 * A ByteSink that takes plaintext in order and writes the encrypted layout
 * to `inner`. A full chunk is held back until more bytes arrive, because
 * whether it is the last one is part of what it is sealed with.
 */
export function createEncryptingSink(inner: ByteSink, key: CryptoKey, fileId: Uint8Array): ByteSink {
  const pending = new Uint8Array(CHUNK_PLAINTEXT_BYTES);
  let pendingLength = 0;
  let chunkIndex = 0;
  let storedOffset = HEADER_BYTES;
  let plainLength = 0;
  let headerWritten = false;

  const writeHeader = async (): Promise<void> => {
    if (headerWritten) return;
    await inner.write(encodeHeader(fileId), 0);
    headerWritten = true;
  };
  const flushChunk = async (last: boolean): Promise<void> => {
    await writeHeader();
    const sealed = await sealChunk(key, fileId, chunkIndex, last, pending.subarray(0, pendingLength));
    await inner.write(sealed, storedOffset);
    storedOffset += sealed.byteLength;
    chunkIndex++;
    pendingLength = 0;
  };

  const restart = (): void => {
    pendingLength = 0;
    chunkIndex = 0;
    storedOffset = HEADER_BYTES;
    plainLength = 0;
    headerWritten = false;
  };

  return {
    async write(chunk, offset) {
      if (offset !== plainLength) throw new Error(`encrypting sink expects sequential writes (at ${plainLength}, got ${offset})`);
      let consumed = 0;
      while (consumed < chunk.byteLength) {
        if (pendingLength === CHUNK_PLAINTEXT_BYTES) await flushChunk(false);
        const take = Math.min(CHUNK_PLAINTEXT_BYTES - pendingLength, chunk.byteLength - consumed);
        pending.set(chunk.subarray(consumed, consumed + take), pendingLength);
        pendingLength += take;
        consumed += take;
      }
      plainLength += chunk.byteLength;
    },
    async truncate(length) {
      if (length !== 0) throw new Error('encrypting sink can only restart from zero');
      await inner.truncate(0);
      restart();
    },
    // A failed write may have consumed part of its chunk into the pending
    // one: no byte offset is known to be whole, so the download starts over.
    async reopen() {
      await inner.reopen();
      await inner.truncate(0);
      restart();
      return 'lost';
    },
    async close() {
      await flushChunk(true);
      await inner.close();
    },
    discard: () => inner.discard(),
  };
}
