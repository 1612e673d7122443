import { createRandom, randomInt } from '../../support/random';

/** Ways to cut a byte stream into chunks, to prove a streaming consumer's result does not depend on them. */
export interface Chunking {
  name: string;
  split: (bytes: Uint8Array) => Uint8Array[];
}

export const oneChunk: Chunking = { name: 'one chunk', split: (bytes) => [bytes] };

export const firstByteThenRest: Chunking = { name: '1-byte first chunk, then the rest', split: (bytes) => [bytes.subarray(0, 1), bytes.subarray(1)] };

export function fixedChunks(size: number): Chunking {
  return {
    name: `${size}-byte chunks`,
    split: (bytes) => {
      const chunks: Uint8Array[] = [];
      for (let offset = 0; offset < bytes.byteLength; offset += size) chunks.push(bytes.subarray(offset, offset + size));
      return chunks;
    },
  };
}

export function randomChunks(seed: number): Chunking {
  return {
    name: `random chunk sizes (seed ${seed})`,
    split: (bytes) => {
      const random = createRandom(seed);
      const chunks: Uint8Array[] = [];
      for (let offset = 0; offset < bytes.byteLength; ) {
        // 1 B .. 64 KiB on a log scale, with empty chunks now and then.
        const size = random() < 0.05 ? 0 : randomInt(random, 1, 2 ** randomInt(random, 0, 16));
        chunks.push(bytes.subarray(offset, offset + size));
        offset += size;
      }
      return chunks;
    },
  };
}
