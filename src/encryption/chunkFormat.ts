/**
 * Layout of an encrypted file: a 32-byte header, then the plaintext in
 * fixed-size chunks, each sealed with AES-GCM as IV (12 bytes) ‖ ciphertext
 * ‖ tag (16 bytes). A chunk's additional data binds it to its file (the
 * header's random file id), its position and whether it is the last one, so
 * chunks cannot be swapped between files, reordered or cut off undetected.
 * Pure arithmetic here; the crypto lives beside it.
 */
export const CHUNK_PLAINTEXT_BYTES = 1024 * 1024;
export const HEADER_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const CHUNK_OVERHEAD_BYTES = IV_BYTES + TAG_BYTES;
const MAGIC = [0x56, 0x43, 0x45, 0x31]; // "VCE1"

/** Chunks a file of `plainBytes` has; an empty file still has one (empty, last) chunk. */
export function chunkCount(plainBytes: number): number {
  return Math.max(1, Math.ceil(plainBytes / CHUNK_PLAINTEXT_BYTES));
}

export function storedSize(plainBytes: number): number {
  return HEADER_BYTES + plainBytes + chunkCount(plainBytes) * CHUNK_OVERHEAD_BYTES;
}

export interface ChunkPlacement {
  index: number;
  /** Where the sealed chunk starts in the stored file. */
  storedOffset: number;
  storedLength: number;
  /** Where its plaintext starts in the plain file. */
  plainOffset: number;
  plainLength: number;
  last: boolean;
}

export function chunkPlacement(index: number, plainBytes: number): ChunkPlacement {
  const count = chunkCount(plainBytes);
  const plainOffset = index * CHUNK_PLAINTEXT_BYTES;
  const plainLength = Math.max(0, Math.min(CHUNK_PLAINTEXT_BYTES, plainBytes - plainOffset));
  return {
    index,
    storedOffset: HEADER_BYTES + index * (CHUNK_PLAINTEXT_BYTES + CHUNK_OVERHEAD_BYTES),
    storedLength: plainLength + CHUNK_OVERHEAD_BYTES,
    plainOffset,
    plainLength,
    last: index === count - 1,
  };
}

/** The chunks that hold plaintext bytes start..end (inclusive). */
export function chunksCovering(start: number, end: number, plainBytes: number): ChunkPlacement[] {
  const first = Math.floor(start / CHUNK_PLAINTEXT_BYTES);
  const last = Math.min(chunkCount(plainBytes) - 1, Math.floor(end / CHUNK_PLAINTEXT_BYTES));
  const chunks: ChunkPlacement[] = [];
  for (let index = first; index <= last; index++) chunks.push(chunkPlacement(index, plainBytes));
  return chunks;
}

export function encodeHeader(fileId: Uint8Array): Uint8Array {
  const header = new Uint8Array(HEADER_BYTES);
  header.set(MAGIC, 0);
  header.set(fileId, 4);
  new DataView(header.buffer).setUint32(20, CHUNK_PLAINTEXT_BYTES);
  return header;
}

/** The file id from a header, or null if it is not one of ours. */
export function decodeHeader(header: Uint8Array): Uint8Array | null {
  if (header.byteLength < HEADER_BYTES || MAGIC.some((byte, i) => header[i] !== byte)) return null;
  if (new DataView(header.buffer, header.byteOffset, HEADER_BYTES).getUint32(20) !== CHUNK_PLAINTEXT_BYTES) return null;
  return header.slice(4, 20);
}

export function chunkAdditionalData(fileId: Uint8Array, index: number, last: boolean): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(16 + 8 + 1);
  data.set(fileId, 0);
  new DataView(data.buffer).setBigUint64(16, BigInt(index));
  data[24] = last ? 1 : 0;
  return data;
}
