import { describe, expect, it } from 'vitest';
import { CHUNK_PLAINTEXT_BYTES, storedSize } from '../../../src/encryption/chunkFormat';
import { createEncryptingSink } from '../../../src/encryption/EncryptingSink';
import { decryptAll, decryptInPlace, decryptRange, decryptToBlob } from '../../../src/encryption/readEncryptedFile';
import { SLICE_BYTES } from '../../../src/shared/volumeBuffer';
import { createMemorySink } from '../../../src/storage/ByteSink';
import { rejection } from '../support/rejection';

// More chunks than decryptToBlob reads at once, so a file spans two of its slices and ends in a short chunk.
const PLAIN_BYTES = SLICE_BYTES + 2 * CHUNK_PLAINTEXT_BYTES + 12345;

const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
const plaintext = new Uint8Array(PLAIN_BYTES);
for (let i = 0; i < plaintext.length; i += 4096) plaintext[i] = (i / 4096) % 251;
const stored = await seal(plaintext);

async function seal(bytes: Uint8Array): Promise<Blob> {
  const memory = createMemorySink();
  const sink = createEncryptingSink(memory, key, crypto.getRandomValues(new Uint8Array(16)));
  await sink.write(bytes, 0);
  await sink.close();
  return memory.toFile('sealed', '');
}

async function tampered(at: number): Promise<Blob> {
  const bytes = new Uint8Array(await stored.arrayBuffer());
  bytes[at]! ^= 1;
  return new Blob([bytes]);
}

const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

describe('reading an encrypted file whole', () => {
  it('decryptToBlob, decryptAll and decryptInPlace give back the plaintext exactly', async () => {
    expect(stored.size).toBe(storedSize(PLAIN_BYTES));
    const blob = await decryptToBlob(stored, key, PLAIN_BYTES, 'application/octet-stream');
    expect(blob).toMatchObject({ size: PLAIN_BYTES, type: 'application/octet-stream' });
    expect(equal(new Uint8Array(await blob.arrayBuffer()), plaintext)).toBe(true);
    expect(equal(new Uint8Array(await decryptAll(stored, key, PLAIN_BYTES)), plaintext)).toBe(true);
    expect(equal(new Uint8Array(await decryptInPlace(await stored.arrayBuffer(), key, PLAIN_BYTES)), plaintext)).toBe(true);
  });

  it('an empty file round-trips (its one empty chunk authenticates)', async () => {
    const empty = await seal(new Uint8Array(0));
    expect((await decryptToBlob(empty, key, 0)).size).toBe(0);
    expect((await decryptAll(empty, key, 0)).byteLength).toBe(0);
  });

  it('a flipped bit in the second slice, a wrong size or a wrong key is corrupt for every reader', async () => {
    const secondSlice = await tampered(stored.size - CHUNK_PLAINTEXT_BYTES);
    for (const read of [decryptToBlob, decryptAll]) {
      expect(await rejection(read(secondSlice, key, PLAIN_BYTES))).toMatchObject({ code: 'corrupt' });
      expect(await rejection(read(stored.slice(0, stored.size - 1), key, PLAIN_BYTES))).toMatchObject({ code: 'corrupt' });
    }
    const other = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    expect(await rejection(decryptToBlob(stored, other, PLAIN_BYTES))).toMatchObject({ code: 'corrupt' });
  });

  it('a range across the slice boundary reads the same bytes as the whole file', async () => {
    const [start, end] = [SLICE_BYTES - 10, SLICE_BYTES + CHUNK_PLAINTEXT_BYTES + 10];
    const parts: Uint8Array[] = [];
    const reader = decryptRange(stored, key, PLAIN_BYTES, start, end).getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) parts.push(read.value);
    expect(equal(new Uint8Array(Buffer.concat(parts)), plaintext.subarray(start, end + 1))).toBe(true);
  });
});
